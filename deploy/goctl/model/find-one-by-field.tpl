func (m *default{{.upperStartCamelObject}}Model) FindOneBy{{.upperField}}(ctx context.Context, {{.in}}) (*{{.upperStartCamelObject}}, error) {
	{{.cacheKey}}
	query := fmt.Sprintf("select %s from %s where {{.originalField}} limit 1", {{.lowerStartCamelObject}}Rows, m.table)
	// zeromall template: when Redis fails, store.ReadCached answers from MySQL (pkg/store).
	resp, err := store.ReadCached(ctx, func(ctx context.Context) (*{{.upperStartCamelObject}}, error) {
		var resp {{.upperStartCamelObject}}
		err := m.QueryRowIndexCtx(ctx, &resp, {{.cacheKeyVariable}}, m.formatPrimary, func(ctx context.Context, conn sqlx.SqlConn, v any) (i any, e error) {
			if err := conn.QueryRowCtx(ctx, &resp, query, {{.lowerStartCamelField}}); err != nil {
				return nil, err
			}
			return resp.{{.upperStartCamelPrimaryKey}}, nil
		}, m.queryPrimary)
		return &resp, err
	}, func() (*{{.upperStartCamelObject}}, error) {
		var resp {{.upperStartCamelObject}}
		err := m.QueryRowNoCacheCtx(ctx, &resp, query, {{.lowerStartCamelField}})
		return &resp, err
	})
	switch err {
	case nil:
		return resp, nil
	case sqlc.ErrNotFound:
		return nil, ErrNotFound
	default:
		return nil, err
	}
}
