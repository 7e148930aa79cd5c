// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package admin

import (
	"net/http"

	"github.com/zeromicro/go-zero/rest/httpx"
	"zeromall/apps/order/api/internal/logic/admin"
	"zeromall/apps/order/api/internal/svc"
	"zeromall/apps/order/api/internal/types"
)

// Add or remove stock, recorded in the stock ledger; 409 when stock would go below zero. Needs an admin's access token.
func AdjustStockHandler(svcCtx *svc.ServiceContext) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req types.AdjustStockReq
		if err := httpx.Parse(r, &req); err != nil {
			httpx.ErrorCtx(r.Context(), w, err)
			return
		}

		l := admin.NewAdjustStockLogic(r.Context(), svcCtx)
		resp, err := l.AdjustStock(&req)
		if err != nil {
			httpx.ErrorCtx(r.Context(), w, err)
		} else {
			httpx.OkJsonCtx(r.Context(), w, resp)
		}
	}
}
