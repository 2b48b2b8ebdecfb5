package law

import (
	"errors"
	"strings"
	"testing"
)

func TestThresholdByDate(t *testing.T) {
	cases := []struct {
		name    string
		a       Authority
		n       Nature
		d       Date
		want    Cents
		wantSrc string
	}{
		// Art. 4 lit. c RL 2014/24/EU, Del. VO (EU) 2023/2495: sub-central supplies 221,000 € in 2024–2025.
		{"sub-central supplies last day of 2025", SubCentral, Supplies, NewDate(2025, 12, 31), Euro(221_000), "2023/2495"},
		// Del. VO (EU) 2025/2152: 216,000 € from 1 January 2026.
		{"sub-central supplies first day of 2026", SubCentral, Supplies, NewDate(2026, 1, 1), Euro(216_000), "2025/2152"},
		{"sub-central services first day of 2024", SubCentral, Services, NewDate(2024, 1, 1), Euro(221_000), "Buchst. c"},
		{"sub-central services last day of 2027", SubCentral, Services, NewDate(2027, 12, 31), Euro(216_000), "Buchst. c"},
		// Art. 4 lit. b: central government 143,000 € (2024–2025), 140,000 € (2026–2027).
		{"central services 2025", Central, Services, NewDate(2025, 6, 30), Euro(143_000), "Buchst. b"},
		{"central supplies 2026", Central, Supplies, NewDate(2026, 3, 2), Euro(140_000), "Buchst. b"},
		// The Land Hesse and Hessian municipalities are sub-central.
		{"Land Hessen is sub-central", HessenLand, Supplies, NewDate(2026, 3, 2), Euro(216_000), "Buchst. c"},
		{"Hessian municipality is sub-central", HessenMunicipality, Services, NewDate(2025, 3, 2), Euro(221_000), "Buchst. c"},
		// Art. 4 lit. a: works, the same for every authority (in the table, refused by Plan).
		{"works 2025", Central, Works, NewDate(2025, 1, 1), Euro(5_538_000), "Buchst. a"},
		{"works 2026", HessenMunicipality, Works, NewDate(2026, 1, 1), Euro(5_404_000), "Buchst. a"},
		// Art. 4 lit. d: social and other specific services 750,000 €.
		{"social services", Central, SocialServices, NewDate(2026, 1, 1), Euro(750_000), "Buchst. d"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			row, err := Threshold(c.a, c.n, c.d)
			if err != nil {
				t.Fatal(err)
			}
			if row.Amount != c.want || !strings.Contains(row.Source, c.wantSrc) || !strings.Contains(row.Source, "§ 106 Abs. 2 Nr. 1 GWB") {
				t.Errorf("got %s € (%s), want %s € (%s)", row.Amount, row.Source, c.want, c.wantSrc)
			}
		})
	}
}

func TestThresholdOutsideTables(t *testing.T) {
	for _, d := range []Date{NewDate(2023, 12, 31), NewDate(2028, 1, 1)} {
		if _, err := Threshold(SubCentral, Supplies, d); !errors.Is(err, ErrNoRule) {
			t.Errorf("%s: got %v, want ErrNoRule", d, err)
		}
	}
}

func TestEUWide(t *testing.T) {
	cases := []struct {
		name  string
		a     Authority
		n     Nature
		value Cents
		d     Date
		want  bool
	}{
		// § 106 Abs. 1 GWB: the threshold applies when the value "reaches or exceeds" it.
		{"exactly at the sub-central threshold 2026", SubCentral, Supplies, Euro(216_000), NewDate(2026, 1, 1), true},
		{"one cent below", SubCentral, Supplies, Euro(216_000) - 1, NewDate(2026, 1, 1), false},
		{"exactly at the central threshold 2026", Central, Services, Euro(140_000), NewDate(2026, 1, 1), true},
		{"central, one cent below", Central, Services, Euro(140_000) - 1, NewDate(2026, 1, 1), false},
		// 220,000 € of supplies for a municipality: national on 31.12.2025 (221,000 €), EU-wide on 1.1.2026 (216,000 €).
		{"220,000 € on 2025-12-31", HessenMunicipality, Supplies, Euro(220_000), NewDate(2025, 12, 31), false},
		{"220,000 € on 2026-01-01", HessenMunicipality, Supplies, Euro(220_000), NewDate(2026, 1, 1), true},
		// 141,000 € of services: EU-wide for a central authority in 2026 (140,000 €), national for a sub-central one.
		{"141,000 € central 2026", Central, Services, Euro(141_000), NewDate(2026, 5, 1), true},
		{"141,000 € sub-central 2026", SubCentral, Services, Euro(141_000), NewDate(2026, 5, 1), false},
		// The same central purchase in 2025 stays below 143,000 €.
		{"141,000 € central 2025", Central, Services, Euro(141_000), NewDate(2025, 5, 1), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := PlanFor(Input{Value: c.value, Nature: c.n, Authority: c.a, Date: c.d})
			if err != nil {
				t.Fatal(err)
			}
			if p.EUWide != c.want {
				t.Errorf("EUWide = %v, want %v (threshold %s €)", p.EUWide, c.want, p.Threshold)
			}
		})
	}
}
