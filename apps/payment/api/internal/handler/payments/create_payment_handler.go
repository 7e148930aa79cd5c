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

// Open the payment of one of the caller's pending orders (a second call returns the same payment).
func CreatePaymentHandler(svcCtx *svc.ServiceContext) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req types.CreatePaymentReq
		if err := httpx.Parse(r, &req); err != nil {
			httpx.ErrorCtx(r.Context(), w, err)
			return
		}

		l := payments.NewCreatePaymentLogic(r.Context(), svcCtx)
		resp, err := l.CreatePayment(&req)
		if err != nil {
			httpx.ErrorCtx(r.Context(), w, err)
		} else {
			httpx.OkJsonCtx(r.Context(), w, resp)
		}
	}
}
