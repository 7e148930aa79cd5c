Update(ctx context.Context, {{if .containsIndexCache}}newData{{else}}data{{end}} *{{.upperStartCamelObject}}) error
		// Invalidate deletes every cache key of data; call it after the commit of a transaction that changed it.
		Invalidate(ctx context.Context, data *{{.upperStartCamelObject}}) error