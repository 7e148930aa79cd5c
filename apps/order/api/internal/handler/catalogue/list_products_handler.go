// Code scaffolded by goctl. Safe to edit.
// goctl 1.9.2

package catalogue

import (
	"net/http"

	"github.com/zeromicro/go-zero/rest/httpx"
	"zeromall/apps/order/api/internal/logic/catalogue"
	"zeromall/apps/order/api/internal/svc"
)

// The catalogue with prices (cents) and stock.
func ListProductsHandler(svcCtx *svc.ServiceContext) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		l := catalogue.NewListProductsLogic(r.Context(), svcCtx)
		resp, err := l.ListProducts()
		if err != nil {
			httpx.ErrorCtx(r.Context(), w, err)
		} else {
			httpx.OkJsonCtx(r.Context(), w, resp)
		}
	}
}
