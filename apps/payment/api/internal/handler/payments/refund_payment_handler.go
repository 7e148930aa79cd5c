// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package payments

import (
	"net/http"

	"github.com/zeromicro/go-zero/rest/httpx"
	"zeromall/apps/payment/api/internal/logic/payments"
	"zeromall/apps/payment/api/internal/svc"
	"zeromall/apps/payment/api/internal/types"
)

// Refund a succeeded payment; the order becomes refunded and its stock returns.
func RefundPaymentHandler(svcCtx *svc.ServiceContext) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req types.PaymentSnReq
		if err := httpx.Parse(r, &req); err != nil {
			httpx.ErrorCtx(r.Context(), w, err)
			return
		}

		l := payments.NewRefundPaymentLogic(r.Context(), svcCtx)
		resp, err := l.RefundPayment(&req)
		if err != nil {
			httpx.ErrorCtx(r.Context(), w, err)
		} else {
			httpx.OkJsonCtx(r.Context(), w, resp)
		}
	}
}
