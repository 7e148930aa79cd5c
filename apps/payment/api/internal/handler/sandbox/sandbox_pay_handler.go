// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package sandbox

import (
	"net/http"

	"github.com/zeromicro/go-zero/rest/httpx"
	"zeromall/apps/payment/api/internal/logic/sandbox"
	"zeromall/apps/payment/api/internal/svc"
	"zeromall/apps/payment/api/internal/types"
)

// Development only (Sandbox.Enabled): the simulated provider pays the payment and calls the callback, signed, like a real provider.
func SandboxPayHandler(svcCtx *svc.ServiceContext) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req types.PaymentSnReq
		if err := httpx.Parse(r, &req); err != nil {
			httpx.ErrorCtx(r.Context(), w, err)
			return
		}

		l := sandbox.NewSandboxPayLogic(r.Context(), svcCtx)
		resp, err := l.SandboxPay(&req)
		if err != nil {
			httpx.ErrorCtx(r.Context(), w, err)
		} else {
			httpx.OkJsonCtx(r.Context(), w, resp)
		}
	}
}
