// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package provider

import (
	"net/http"

	"github.com/zeromicro/go-zero/rest/httpx"
	"zeromall/apps/payment/api/internal/logic/provider"
	"zeromall/apps/payment/api/internal/svc"
	"zeromall/apps/payment/api/internal/types"
)

// Provider webhook. X-Signature is the hex HMAC-SHA256 of the raw body with the shared secret. Repeats are harmless.
func CallbackHandler(svcCtx *svc.ServiceContext) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req types.CallbackReq
		if err := httpx.Parse(r, &req); err != nil {
			httpx.ErrorCtx(r.Context(), w, err)
			return
		}

		l := provider.NewCallbackLogic(r.Context(), svcCtx)
		resp, err := l.Callback(&req)
		if err != nil {
			httpx.ErrorCtx(r.Context(), w, err)
		} else {
			httpx.OkJsonCtx(r.Context(), w, resp)
		}
	}
}
