// Package migrations embeds the numbered SQL migrations, one folder per dialect.
// Both folders carry the same numbers; a test compares the schemas they produce.
package migrations

import "embed"

//go:embed sqlite/*.sql postgres/*.sql
var FS embed.FS
