func (m *default{{.upperStartCamelObject}}Model) FindOne(ctx context.Context, {{.lowerStartCamelPrimaryKey}} {{.dataType}}) (*{{.upperStartCamelObject}}, error) {
	{{.cacheKey}}
	query := fmt.Sprintf("select %s from %s where {{.originalPrimaryKey}} = ? limit 1", {{.lowerStartCamelObject}}Rows, m.table)
	// zeromall template: when Redis fails, store.ReadCached answers from MySQL (pkg/store).
	resp, err := store.ReadCached(ctx, func(ctx context.Context) (*{{.upperStartCamelObject}}, error) {
		var resp {{.upperStartCamelObject}}
		err := m.QueryRowCtx(ctx, &resp, {{.cacheKeyVariable}}, func(ctx context.Context, conn sqlx.SqlConn, v any) error {
			return conn.QueryRowCtx(ctx, v, query, {{.lowerStartCamelPrimaryKey}})
		})
		return &resp, err
	}, func() (*{{.upperStartCamelObject}}, error) {
		var resp {{.upperStartCamelObject}}
		err := m.QueryRowNoCacheCtx(ctx, &resp, query, {{.lowerStartCamelPrimaryKey}})
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
