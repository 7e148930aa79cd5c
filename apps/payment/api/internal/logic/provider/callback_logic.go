// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package provider

import (
	"context"

	"zeromall/apps/payment/api/internal/logic"
	"zeromall/apps/payment/api/internal/svc"
	"zeromall/apps/payment/api/internal/types"
	"zeromall/apps/payment/rpc/payment_client"

	"github.com/zeromicro/go-zero/core/logx"
)

type CallbackLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// Provider webhook. X-Signature is the hex HMAC-SHA256 of the raw body with the shared secret. Repeats are harmless.
func NewCallbackLogic(ctx context.Context, svcCtx *svc.ServiceContext) *CallbackLogic {
	return &CallbackLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

func (l *CallbackLogic) Callback(req *types.CallbackReq) (resp *types.CallbackResp, err error) {
	_, err = l.svcCtx.PaymentRpc.HandleCallback(l.ctx, &payment_client.CallbackReq{
		PaymentSn: req.PaymentSn,
		TradeNo:   req.TradeNo,
		Status:    logic.ParsePaymentStatus(req.Status),
		Amount:    req.Amount,
		PaidAt:    req.PaidAt,
	})
	if err != nil {
		return nil, err
	}
	return &types.CallbackResp{Result: "ok"}, nil
}
