package xrechnung

import "fmt"

// Code names a parse error, a check finding, an order mismatch or a
// generation error. Codes are stable: callers map them to exit codes, HTTP
// statuses and message keys ("xrechnung." + code); [Label] gives the German
// and English text.
type Code string

// Parse errors: the input is not a readable e-invoice.
const (
	CodeTooLarge        Code = "too_large"         // args: limit in bytes
	CodeDoctype         Code = "doctype"           // a DOCTYPE or other directive
	CodeTooDeep         Code = "too_deep"          // args: limit
	CodeTooManyElements Code = "too_many_elements" // args: limit
	CodeTooManyLines    Code = "too_many_lines"    // args: limit
	CodeMalformed       Code = "malformed_xml"     // args: parser message
	CodeNotInvoice      Code = "not_an_invoice"    // args: element found, its namespace
	CodeBadNumber       Code = "bad_number"        // Field; args: text
	CodeBadDate         Code = "bad_date"          // Field; args: text
	CodeMissingData     Code = "missing"           // Field: a mandatory element is absent
)

// Check findings: the invoice is readable but breaks a rule.
const (
	CodeBuyerReferenceMissing Code = "buyer_reference_missing"  // BT-10 (BR-DE-15)
	CodeLeitwegFormat         Code = "leitweg_id_format"        // args: value
	CodeLeitwegCheckDigit     Code = "leitweg_id_check_digit"   // args: value, expected check digits
	CodeAmountMissing         Code = "amount_missing"           // Field
	CodeLineNet               Code = "line_net_mismatch"        // BT-131; Line; args: computed, stated
	CodeLineTotal             Code = "line_total_mismatch"      // BT-106; args: computed, stated
	CodeAllowanceTotal        Code = "allowance_total_mismatch" // BT-107; args: computed, stated
	CodeChargeTotal           Code = "charge_total_mismatch"    // BT-108; args: computed, stated
	CodeTaxExclusive          Code = "tax_exclusive_mismatch"   // BT-109; args: computed, stated
	CodeTaxTotal              Code = "tax_total_mismatch"       // BT-110; args: computed, stated
	CodeVATTax                Code = "vat_tax_mismatch"         // BT-117; args: category, rate, computed, stated
	CodeVATTaxable            Code = "vat_taxable_mismatch"     // BT-116; args: category, rate, computed, stated
	CodeVATBreakdownMissing   Code = "vat_breakdown_missing"    // BG-23; args: category, rate
	CodeTaxInclusive          Code = "tax_inclusive_mismatch"   // BT-112; args: computed, stated
	CodePayable               Code = "payable_mismatch"         // BT-115; args: computed, stated
)

// Order mismatches found by [Match].
const (
	CodeMatchMissingLine     Code = "match_missing_line"     // args: seller item id
	CodeMatchUnexpectedLine  Code = "match_unexpected_line"  // Line; args: seller item id
	CodeMatchQuantity        Code = "match_quantity"         // Line; args: seller item id, ordered, invoiced
	CodeMatchPrice           Code = "match_price"            // Line; args: seller item id, ordered, invoiced
	CodeMatchVATRate         Code = "match_vat_rate"         // Line; args: seller item id, ordered, invoiced
	CodeMatchBuyerReference  Code = "match_buyer_reference"  // args: expected, invoiced
	CodeMatchDuplicateItem   Code = "match_duplicate_item"   // args: seller item id (twice in the order)
	CodeGenerateInvalidInput Code = "generate_invalid_input" // Field: missing or malformed input to GenerateUBL
)

// Codes lists every code the package produces.
func Codes() []Code {
	return []Code{CodeTooLarge, CodeDoctype, CodeTooDeep, CodeTooManyElements, CodeTooManyLines, CodeMalformed, CodeNotInvoice, CodeBadNumber, CodeBadDate,
		CodeMissingData, CodeBuyerReferenceMissing, CodeLeitwegFormat, CodeLeitwegCheckDigit, CodeAmountMissing,
		CodeLineNet, CodeLineTotal, CodeAllowanceTotal, CodeChargeTotal, CodeTaxExclusive, CodeTaxTotal, CodeVATTax, CodeVATTaxable,
		CodeVATBreakdownMissing, CodeTaxInclusive, CodePayable, CodeMatchMissingLine, CodeMatchUnexpectedLine,
		CodeMatchQuantity, CodeMatchPrice, CodeMatchVATRate, CodeMatchBuyerReference, CodeMatchDuplicateItem,
		CodeGenerateInvalidInput}
}

// Error is the package's one error type: a stable code, the field it concerns
// (a business term "BT-106" or an element name), and the arguments of the
// message. Error() gives the English message for logs and the command line.
type Error struct {
	Code  Code
	Field string
	Args  []string
}

func (e *Error) Error() string { return Message(e.Code, "en", e.Field, "", e.Args...) }

// Is makes errors.Is(err, &Error{Code: CodeDoctype}) match by code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Field == "" && t.Args == nil
}

func newError(code Code, field string, args ...string) *Error {
	return &Error{Code: code, Field: field, Args: args}
}

// Finding is one broken rule found by [Check] or one difference found by
// [Match]: a code, the business term (Field, e.g. "BT-106"), the invoice line
// (its BT-126 id) when the finding concerns one, and the message arguments.
type Finding struct {
	Code  Code     `json:"code"`
	Field string   `json:"field,omitempty"`
	Line  string   `json:"line,omitempty"`
	Args  []string `json:"args,omitempty"`
}

// Message is the finding's text in lang ("de", the default, or "en").
func (f Finding) Message(lang string) string {
	return Message(f.Code, lang, f.Field, f.Line, f.Args...)
}

// Message writes the text of code in lang ("de", the default, or "en"),
// prefixed with the field and the line when given. An unknown code is
// written with its arguments.
func Message(code Code, lang, field, line string, args ...string) string {
	l, ok := labels[code]
	var s string
	if !ok {
		s = string(code)
		for _, a := range args {
			s += " " + a
		}
	} else {
		tmpl := l[0]
		if lang == "en" {
			tmpl = l[1]
		}
		vals := make([]any, len(args))
		for i, a := range args {
			vals[i] = a
		}
		s = fmt.Sprintf(tmpl, vals...)
	}
	prefix := field
	if line != "" {
		lineWord := "Position"
		if lang == "en" {
			lineWord = "line"
		}
		if prefix != "" {
			prefix += ", "
		}
		prefix += lineWord + " " + line
	}
	if prefix != "" {
		return prefix + ": " + s
	}
	return s
}

// Label returns the message template of code in lang ("de", the default, or
// "en"), with fmt verbs %[1]s … for the arguments; an unknown code is returned
// unchanged.
func Label(code Code, lang string) string {
	l, ok := labels[code]
	if !ok {
		return string(code)
	}
	if lang == "en" {
		return l[1]
	}
	return l[0]
}
