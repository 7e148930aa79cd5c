Update(ctx context.Context, {{if .containsIndexCache}}newData{{else}}data{{end}} *{{.upperStartCamelObject}}) error
		// CacheKeys returns every cache key of data, for the invalidation journal (pkg/store).
		CacheKeys(data *{{.upperStartCamelObject}}) []string