package ocds

import (
	"math"
	"strings"
	"testing"
)

func TestFormatCents(t *testing.T) {
	for cents, want := range map[int64]string{
		0:                     "0.00",
		5:                     "0.05",
		10:                    "0.10",
		99:                    "0.99",
		100:                   "1.00",
		123450:                "1234.50",
		113_748_050:           "1137480.50",
		-5:                    "-0.05",
		-123456:               "-1234.56",
		9_007_199_254_740_993: "90071992547409.93", // 2^53+1: a float64 would lose the last cent
		math.MaxInt64:         "92233720368547758.07",
		math.MinInt64:         "-92233720368547758.08",
	} {
		if got := formatCents(cents); got != want {
			t.Errorf("formatCents(%d) = %s, want %s", cents, got, want)
		}
	}
}

func TestMoney(t *testing.T) {
	if !(Money{}).IsZero() || EUR(0).IsZero() {
		t.Error("IsZero: only Money{} is not stated")
	}
	if got := (Money{Cents: 199}).String(); got != "1.99 EUR" {
		t.Errorf("String = %s", got)
	}
	if value(Money{}) != nil {
		t.Error("an unstated amount is written")
	}
	if v := value(EUR(0)); v == nil || v.Currency != "EUR" {
		t.Errorf("EUR(0) = %+v, want a stated zero", v)
	}
}

// Amounts are written exactly, as JSON numbers with two decimals.
func TestAmountsInRelease(t *testing.T) {
	p := hessianProcedure()
	p.Awards[0].Value = EUR(9_007_199_254_740_993)
	p.Awards[1].Value = EUR(100)
	r, err := AwardRelease(p)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := r.MarshalJSON()
	for _, want := range []string{`"amount":90071992547409.93,"currency":"EUR"`, `"amount":1.00,"currency":"EUR"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("release lacks %s:\n%s", want, b)
		}
	}
	compiled, err := Compile(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(compiled), `"amount":90071992547409.93`) {
		t.Errorf("compiled release changed the amount:\n%s", compiled)
	}
}
