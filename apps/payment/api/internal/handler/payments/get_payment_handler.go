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

// One of the caller's payments; 404 for anyone else's.
func GetPaymentHandler(svcCtx *svc.ServiceContext) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req types.PaymentSnReq
		if err := httpx.Parse(r, &req); err != nil {
			httpx.ErrorCtx(r.Context(), w, err)
			return
		}

		l := payments.NewGetPaymentLogic(r.Context(), svcCtx)
		resp, err := l.GetPayment(&req)
		if err != nil {
			httpx.ErrorCtx(r.Context(), w, err)
		} else {
			httpx.OkJsonCtx(r.Context(), w, resp)
		}
	}
}
