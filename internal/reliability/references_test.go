package reliability

import (
	"strings"
	"testing"

	"kopit/internal/platform/files"
	"kopit/internal/platform/testkit"
)

// The start-up sweep removes every old file that no column of
// files.References names: a column holding file keys that is missing there
// would lose its files. Every column named *file_key or sealed_key in the
// migrated schema must be listed.
func TestEveryFileKeyColumnIsReferenced(t *testing.T) {
	d := testkit.NewSQLite(t)
	listed := map[string]bool{}
	for _, r := range files.References {
		listed[r.Table+"."+r.Column] = true
	}
	rows, err := d.QueryContext(t.Context(), `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND (p.name LIKE '%file_key' OR p.name = 'sealed_key')`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			t.Fatal(err)
		}
		n++
		if !listed[table+"."+column] && !strings.HasPrefix(table, "river_") {
			t.Errorf("%s.%s holds file keys but is not in files.References: the start-up sweep would delete its files", table, column)
		}
	}
	if n < len(files.References) {
		t.Errorf("found %d file key columns, files.References lists %d: a listed column no longer exists", n, len(files.References))
	}
}
