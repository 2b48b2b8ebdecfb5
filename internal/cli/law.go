package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"kopit/internal/law"
)

const lawSynopsis = "law plan --value EUR --nature supplies|services " +
	"--authority central|sub-central|hessen-land|hessen-municipality --date YYYY-MM-DD " +
	"[--esubmission] [--pin] [--urgent] [--publication YYYY-MM-DD] [--pin-sent YYYY-MM-DD] " +
	"[--procedure open|restricted|negotiated_with_competition|public_tender|…] [--framework-months N] " +
	"[--info-by-post] [--tender-limit-by-agreement]"

func lawUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: kopit %s\n\n", lawSynopsis)
	fmt.Fprintln(w, "Prints one JSON object: eu_wide, threshold_eur (euros valid on --date), procedures, min_days")
	fmt.Fprintln(w, "(calendar days), standstill_days (§ 134 GWB), timeline, sources and judgements.")
	fmt.Fprintln(w, "Amounts are euros, net of VAT: whole euros without decimals, otherwise two decimals.")
	fmt.Fprintln(w, "Exit codes: 0 printed; 2 works contract or invalid argument (message on stderr).")
}

// runLaw is the procurement-law engine on the command line: `kopit law plan …`.
func runLaw(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		lawUsage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		lawUsage(stdout)
		return exitOK
	case "plan":
		return runLawPlan(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "kopit law: unknown subcommand %q\n\n", args[0])
	lawUsage(stderr)
	return exitUsage
}

func runLawPlan(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("law plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {} // the flag package reports errors on stderr; help goes to stdout below
	value := fs.String("value", "", "estimated contract value in euros, net of VAT (e.g. 250000 or 250000.50)")
	nature := fs.String("nature", "", "contract nature: supplies or services")
	authority := fs.String("authority", "", "contracting authority: central, sub-central, hessen-land, hessen-municipality")
	date := fs.String("date", "", "reference day YYYY-MM-DD: the rules valid on this day apply (§ 3 Abs. 3 VgV)")
	pub := fs.String("publication", "", "planned dispatch of the contract notice YYYY-MM-DD (default: --date)")
	pinSent := fs.String("pin-sent", "", "day the prior information notice was sent YYYY-MM-DD (implies --pin)")
	procedure := fs.String("procedure", "", "procedure for the timeline (default: open above the threshold, public_tender below)")
	months := fs.Int("framework-months", 0, "term of a framework agreement in months (0: not a framework agreement)")
	var in law.Input
	fs.BoolVar(&in.Flags.ESubmission, "esubmission", false, "tenders may be submitted electronically")
	fs.BoolVar(&in.Flags.PIN, "pin", false, "a prior information notice was published")
	fs.BoolVar(&in.Flags.Urgent, "urgent", false, "a duly substantiated urgency applies")
	fs.BoolVar(&in.InfoByPost, "info-by-post", false, "the § 134 GWB information is not sent electronically or by fax")
	fs.BoolVar(&in.Flags.TenderLimitByAgreement, "tender-limit-by-agreement", false,
		"sub-central: tender time limit agreed with the candidates (§ 16 Abs. 6, § 17 Abs. 7 VgV)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			lawUsage(stdout)
			fmt.Fprintln(stdout, "\nFlags:")
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return exitOK
		}
		fmt.Fprintln(stderr, "see kopit law plan --help")
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kopit law plan: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "kopit law plan:", err)
		return exitUsage
	}
	for _, req := range []struct{ name, v string }{
		{"value", *value}, {"nature", *nature}, {"authority", *authority}, {"date", *date},
	} {
		if req.v == "" {
			return fail(fmt.Errorf("--%s is required (see kopit law plan --help)", req.name))
		}
	}
	var err error
	if in.Value, err = law.ParseEuro(*value); err != nil {
		return fail(err)
	}
	if in.Nature, err = law.ParseNature(*nature); err != nil {
		return fail(err)
	}
	if in.Authority, err = law.ParseAuthority(*authority); err != nil {
		return fail(err)
	}
	for _, d := range []struct {
		name, s string
		dst     *law.Date
	}{{"date", *date, &in.Date}, {"publication", *pub, &in.Publication}, {"pin-sent", *pinSent, &in.PINSent}} {
		if d.s == "" {
			continue
		}
		if *d.dst, err = law.ParseDate(d.s); err != nil {
			return fail(fmt.Errorf("--%s: %w", d.name, err))
		}
	}
	if *procedure != "" {
		if in.Procedure, err = law.ParseProcedure(*procedure); err != nil {
			return fail(err)
		}
	}
	in.FrameworkMonths = *months
	plan, err := law.PlanFor(in)
	if err != nil {
		return fail(err)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(plan); err != nil {
		return fail(err)
	}
	return exitOK
}
