package app_test

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"

	"kopit/internal/app"
	"kopit/internal/platform/auth"
)

// A restore without the seal key must not end with a fresh key that silently
// makes every sealed bid unreadable: kopit refuses to start instead.
func TestStartRefusesANewSealKeyOverSealedTenders(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		var sealed int
		if err := e.app.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM tender_keys").Scan(&sealed); err != nil || sealed == 0 {
			t.Fatalf("the demo should have published tenders with sealed keys: %d (err %v)", sealed, err)
		}
		path := e.app.Config.SealKeyPath()
		if err := os.Rename(path, path+".away"); err != nil {
			t.Fatal(err)
		}
		opts := app.Options{Hasher: auth.NewTestHasher(), Sender: e.mails, Clock: e.clock, Log: slog.New(slog.DiscardHandler)}
		second, err := app.New(ctx, e.app.Config, opts)
		if err == nil {
			_ = second.Close(ctx)
			t.Fatal("kopit started with a new seal key over sealed tenders")
		}
		if !strings.Contains(err.Error(), "seal master key") || !strings.Contains(err.Error(), "will not create a new one") {
			t.Fatalf("unclear refusal: %v", err)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Fatal("a new key file was written")
		}
		if err := os.Rename(path+".away", path); err != nil {
			t.Fatal(err)
		}
		second, err = app.New(ctx, e.app.Config, opts)
		if err != nil {
			t.Fatalf("with the key back: %v", err)
		}
		_ = second.Close(ctx)
	})
}
