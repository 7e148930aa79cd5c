package sandbox

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"zeromall/apps/payment/api/internal/logic"
	"zeromall/apps/payment/api/internal/svc"
	"zeromall/apps/payment/api/internal/types"
	"zeromall/apps/payment/rpc/payment"
	"zeromall/apps/payment/rpc/payment_client"
	"zeromall/pkg/session"
	"zeromall/pkg/signature"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
)

type SandboxPayLogic struct {
	logx.Logger
	ctx    context.Context
	svcCtx *svc.ServiceContext
}

// Development only (Sandbox.Enabled, refused in production): the simulated provider pays the caller's own payment and calls the callback, signed, like a real provider. Needs Authorization: Bearer <accessToken>; another user's payment is 404.
func NewSandboxPayLogic(ctx context.Context, svcCtx *svc.ServiceContext) *SandboxPayLogic {
	return &SandboxPayLogic{
		Logger: logx.WithContext(ctx),
		ctx:    ctx,
		svcCtx: svcCtx,
	}
}

// SandboxPay plays the provider: it takes the money (here: nothing), assigns a trade number and
// notifies our callback endpoint over HTTP with a signed body, exactly as a real provider would.
func (l *SandboxPayLogic) SandboxPay(req *types.PaymentSnReq) (resp *types.Payment, err error) {
	if !l.svcCtx.Config.Sandbox.Enabled {
		return nil, xerr.ErrNotFound.WithMsg("no such endpoint")
	}
	uid, err := session.UID(l.ctx)
	if err != nil {
		return nil, err
	}
	p, err := l.svcCtx.PaymentRpc.GetPayment(l.ctx, &payment_client.GetPaymentReq{Sn: req.Sn, UserId: uid})
	if err != nil {
		return nil, err
	}
	if p.Status != payment.PaymentStatus_PAYMENT_STATUS_PENDING {
		return nil, xerr.ErrPaymentSettled.WithMsgf("payment is %s", logic.StatusWord(p.Status))
	}
	tradeNo, err := newTradeNo()
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(types.CallbackReq{
		PaymentSn: p.Sn,
		TradeNo:   tradeNo,
		Status:    "succeeded",
		Amount:    p.Amount,
		PaidAt:    time.Now().Unix(),
	})
	if err != nil {
		return nil, fmt.Errorf("encode callback: %w", err)
	}
	if err := l.notify(body); err != nil {
		return nil, err
	}
	paid, err := l.svcCtx.PaymentRpc.GetPayment(l.ctx, &payment_client.GetPaymentReq{Sn: req.Sn, UserId: uid})
	if err != nil {
		return nil, err
	}
	return logic.Payment(paid, ""), nil
}

func (l *SandboxPayLogic) notify(body []byte) error {
	req, err := http.NewRequestWithContext(l.ctx, http.MethodPost, l.svcCtx.Config.Sandbox.CallbackURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("build callback: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(signature.Header, signature.Sign([]byte(l.svcCtx.Config.Callback.Secret), body))
	resp, err := l.svcCtx.ProviderClient.Do(req)
	if err != nil {
		l.Errorf("sandbox callback: %v", err)
		return xerr.ErrProviderFailed
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode != http.StatusOK {
		l.Errorf("sandbox callback answered %d: %s", resp.StatusCode, answer)
		return xerr.ErrProviderFailed.WithMsgf("callback answered %d: %s", resp.StatusCode, answer)
	}
	return nil
}

func newTradeNo() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("trade number: %w", err)
	}
	return "SBX" + hex.EncodeToString(b), nil
}
