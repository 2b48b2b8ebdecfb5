package law

// StandstillRow is the § 134 GWB waiting period between the information of
// the unsuccessful bidders and the conclusion of the contract. It is counted in
// calendar days from the day after the information is sent; its end does not
// move for weekends or holidays. A contract concluded earlier is ineffective
// (§ 135 Abs. 1 Nr. 1 GWB).
type StandstillRow struct {
	// Electronic: the information is sent electronically or by fax.
	Electronic bool
	Days       int
	Validity
	Source string
}

func standstillTable() []StandstillRow {
	v := inForce(coverageFrom(), Date{})
	return []StandstillRow{
		{true, 10, v, "§ 134 Abs. 2 Satz 2 GWB"},
		{false, 15, v, "§ 134 Abs. 2 Satz 1 GWB"},
	}
}

// StandstillSourceStart is the source of the counting rule (day after dispatch).
const StandstillSourceStart = "§ 134 Abs. 2 Satz 3 GWB"

// StandstillDays returns the standstill for information sent electronically
// (or by fax) or otherwise, valid on d.
func (r *Rules) StandstillDays(electronic bool, d Date) (StandstillRow, error) {
	for _, row := range r.Standstill {
		if row.Electronic == electronic && row.on(d) {
			return row, nil
		}
	}
	return StandstillRow{}, noRule("standstill period", d)
}
