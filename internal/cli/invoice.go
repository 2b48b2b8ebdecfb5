package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"kopit/internal/xrechnung"
)

const invoiceSynopsis = "invoice check [--lang en|de] [--strict] FILE"

func invoiceUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: kopit %s\n\n", invoiceSynopsis)
	fmt.Fprintln(w, "Reads an e-invoice (XRechnung / EN 16931) in either syntax — UBL 2.1 Invoice or CreditNote, or")
	fmt.Fprintln(w, "UN/CEFACT CII D16B CrossIndustryInvoice — from FILE (\"-\" for standard input), recomputes its totals")
	fmt.Fprintln(w, "and checks the buyer reference (Leitweg-ID). Prints one JSON object: syntax, type_code, number,")
	fmt.Fprintln(w, "issue_date, currency, seller, buyer, buyer_reference, order_reference, lines (count), line_total,")
	fmt.Fprintln(w, "allowance_total, charge_total, tax_exclusive, tax, tax_inclusive, prepaid, payable (amounts as the")
	fmt.Fprintln(w, "document writes them, \"\" when absent) and findings (code, field, line, args, message).")
	fmt.Fprintln(w, "Exit codes: 0 printed (findings included, unless --strict); 1 the file is not a well-formed")
	fmt.Fprintln(w, "e-invoice (reason on stderr), or --strict and there are findings; 2 wrong usage or unreadable FILE.")
}

// invoiceReport is what `kopit invoice check` prints.
type invoiceReport struct {
	Syntax         xrechnung.Syntax `json:"syntax"`
	TypeCode       string           `json:"type_code"`
	Number         string           `json:"number"`
	IssueDate      string           `json:"issue_date"`
	Currency       string           `json:"currency"`
	Seller         string           `json:"seller"`
	SellerVATID    string           `json:"seller_vat_id"`
	Buyer          string           `json:"buyer"`
	BuyerReference string           `json:"buyer_reference"`
	OrderReference string           `json:"order_reference"`
	Lines          int              `json:"lines"`
	LineTotal      string           `json:"line_total"`
	AllowanceTotal string           `json:"allowance_total"`
	ChargeTotal    string           `json:"charge_total"`
	TaxExclusive   string           `json:"tax_exclusive"`
	Tax            string           `json:"tax"`
	TaxInclusive   string           `json:"tax_inclusive"`
	Prepaid        string           `json:"prepaid"`
	Payable        string           `json:"payable"`
	Findings       []invoiceFinding `json:"findings"`
}

type invoiceFinding struct {
	xrechnung.Finding
	Message string `json:"message"`
}

// runInvoice is `kopit invoice check FILE`.
func runInvoice(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		invoiceUsage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		invoiceUsage(stdout)
		return exitOK
	case "check":
		return runInvoiceCheck(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "kopit invoice: unknown subcommand %q\n\n", args[0])
	invoiceUsage(stderr)
	return exitUsage
}

func runInvoiceCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("invoice check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {}
	lang := fs.String("lang", "en", "language of the findings' messages: en or de")
	strict := fs.Bool("strict", false, "exit 1 when the check has findings")
	// Flags may come before or after FILE.
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				invoiceUsage(stdout)
				fmt.Fprintln(stdout, "\nFlags:")
				fs.SetOutput(stdout)
				fs.PrintDefaults()
				return exitOK
			}
			fmt.Fprintln(stderr, "see kopit invoice --help")
			return exitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		fmt.Fprintf(stderr, "kopit invoice check: exactly one FILE expected, got %d\n\n", len(files))
		invoiceUsage(stderr)
		return exitUsage
	}
	if *lang != "en" && *lang != "de" {
		fmt.Fprintf(stderr, "kopit invoice check: --lang must be en or de, not %q\n", *lang)
		return exitUsage
	}
	var in io.Reader = os.Stdin
	if files[0] != "-" {
		f, err := os.Open(files[0])
		if err != nil {
			fmt.Fprintln(stderr, "kopit invoice check:", err)
			return exitUsage
		}
		defer f.Close()
		in = f
	}
	inv, err := xrechnung.Parse(in)
	if err != nil {
		var e *xrechnung.Error
		if errors.As(err, &e) {
			fmt.Fprintf(stderr, "kopit invoice check: %s: %s (%s)\n", files[0],
				xrechnung.Message(e.Code, *lang, e.Field, "", e.Args...), e.Code)
		} else {
			fmt.Fprintf(stderr, "kopit invoice check: %s: %v\n", files[0], err)
		}
		return exitProblem
	}
	t := inv.Totals
	rep := invoiceReport{
		Syntax: inv.Syntax, TypeCode: inv.TypeCode, Number: inv.Number, IssueDate: inv.IssueDate, Currency: inv.Currency,
		Seller: inv.Seller.Name, SellerVATID: inv.Seller.VATID, Buyer: inv.Buyer.Name,
		BuyerReference: inv.BuyerReference, OrderReference: inv.OrderReference, Lines: len(inv.Lines),
		LineTotal: t.LineTotal.Text, AllowanceTotal: t.AllowanceTotal.Text, ChargeTotal: t.ChargeTotal.Text,
		TaxExclusive: t.TaxExclusive.Text, Tax: t.Tax.Text, TaxInclusive: t.TaxInclusive.Text, Prepaid: t.Prepaid.Text,
		Payable:  t.Payable.Text,
		Findings: []invoiceFinding{},
	}
	for _, f := range xrechnung.Check(inv) {
		rep.Findings = append(rep.Findings, invoiceFinding{Finding: f, Message: f.Message(*lang)})
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rep); err != nil {
		fmt.Fprintln(stderr, "kopit invoice check:", err)
		return exitProblem
	}
	if *strict && len(rep.Findings) > 0 {
		return exitProblem
	}
	return exitOK
}
