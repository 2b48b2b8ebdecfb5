package brokering

import (
	"testing"
	"time"
)

// TestMonthsCountsStartedMonths: a period is billed per started month, so
// one day into the next month is a further month.
func TestMonthsCountsStartedMonths(t *testing.T) {
	for _, c := range []struct {
		from, until string
		want        int
	}{
		{"2026-01-15", "2026-01-15", 1},
		{"2026-01-15", "2026-02-14", 1},
		{"2026-01-15", "2026-02-15", 2},
		{"2026-01-15", "2026-03-14", 2},
		{"2026-01-01", "2026-12-31", 12},
		{"2026-01-31", "2026-02-28", 1}, // February has no 31st: still the first month
		{"2026-12-06", "2027-12-05", 12},
		{"2026-12-06", "2027-12-06", 13},
		{"2026-03-01", "2026-02-01", 0}, // reversed: refused before, counted as nothing
		{"2026-03-01", "kaputt", 0},
	} {
		if got := Months(c.from, c.until); got != c.want {
			t.Errorf("Months(%s, %s) = %d, want %d", c.from, c.until, got, c.want)
		}
	}
}

// TestTotalFollowsThePriceModel: worked examples of an offer's value.
func TestTotalFollowsThePriceModel(t *testing.T) {
	for _, c := range []struct {
		model       PriceModel
		price       int64
		qty, months int
		want        int64
	}{
		{Fixed, 1_250_00, 10, 12, 1_250_00},
		{OnRequest, 999_00, 3, 3, 999_00},
		{PerMonth, 1_850_00, 1, 12, 22_200_00},
		{PerUserMonth, 39_90, 10, 12, 4_788_00},
		{PerHour, 120_00, 16, 2, 1_920_00},
		{PerDay, 980_00, 12, 6, 11_760_00},
		{PerUnit, 5, 10_000, 1, 500_00},
		// The largest allowed inputs stay far inside int64.
		{PerUserMonth, MaxPriceCents, MaxQuantity, MaxMonths, MaxPriceCents * MaxQuantity * MaxMonths},
	} {
		if got := Total(c.model, c.price, c.qty, c.months); got != c.want || got < 0 {
			t.Errorf("Total(%s, %d, %d, %d) = %d, want %d", c.model, c.price, c.qty, c.months, got, c.want)
		}
	}
}

func TestParseCents(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		key  string
	}{
		{"1.250,00", 1_250_00, ""},
		{"1,250.00", 1_250_00, ""},
		{"39,9", 39_90, ""},
		{"0", 0, ""},
		{"42 €", 42_00, ""},
		{"39,905", 0, "brokering.error.price_cents"},
		{"-5", 0, "brokering.error.price"},
		{"abc", 0, "brokering.error.price"},
		{"", 0, "brokering.error.price"},
		{"100000000,01", 0, "brokering.error.price_too_high"},
		{"99999999999999", 0, "brokering.error.price_too_high"},
	} {
		got, key := parseCents(c.in)
		if got != c.want || key != c.key {
			t.Errorf("parseCents(%q) = %d, %q; want %d, %q", c.in, got, key, c.want, c.key)
		}
	}
}

func TestAverageRoundsToTenths(t *testing.T) {
	for _, c := range []struct {
		n, sum int
		de, en string
	}{
		{1, 4, "4,0", "4.0"},
		{3, 14, "4,7", "4.7"}, // 4.666… rounds up
		{3, 13, "4,3", "4.3"},
		{2, 3, "1,5", "1.5"},
		{4, 20, "5,0", "5.0"},
	} {
		s := Offering{Ratings: c.n, StarsSum: c.sum}
		if got := s.AverageText("de"); got != c.de {
			t.Errorf("%d/%d: %s, want %s", c.sum, c.n, got, c.de)
		}
		if got := s.AverageText("en"); got != c.en {
			t.Errorf("%d/%d: %s, want %s", c.sum, c.n, got, c.en)
		}
	}
}

func TestOfferExpiresAfterItsLastDay(t *testing.T) {
	o := Offer{ValidUntil: "2026-12-10"}
	if o.Expired("2026-12-10") || !o.Expired("2026-12-11") {
		t.Error("an offer is valid through its last day and not after")
	}
	// The Berlin day decides: 23:30 UTC on the 10th is the 11th in Berlin.
	late := time.Date(2026, 12, 10, 23, 30, 0, 0, time.UTC)
	if Day(late) != "2026-12-11" || !o.Expired(Day(late)) {
		t.Errorf("Day(%s) = %s", late, Day(late))
	}
}
