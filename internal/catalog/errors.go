package catalog

import (
	"fmt"
	"strconv"
	"strings"
)

// Code names a problem or a fatal error. Codes are stable: the importer
// stores them in its report and maps them to message keys ("catalog." +
// code); [Message] gives the German and English text.
type Code string

// Fatal errors: the file cannot be read on; the import stops.
const (
	CodeMalformed      Code = "malformed"           // args: parser message
	CodeDoctype        Code = "doctype"             // a DOCTYPE with an internal subset, an ENTITY or another directive
	CodeTooDeep        Code = "too_deep"            // args: limit
	CodeTokenTooLarge  Code = "token_too_large"     // args: limit in bytes
	CodeTooLarge       Code = "too_large"           // args: limit in bytes
	CodeNotBMEcat      Code = "not_bmecat"          // args: root element found
	CodeNamespace      Code = "wrong_namespace"     // args: namespace found
	CodeVersion        Code = "unsupported_version" // args: version found
	CodeTransaction    Code = "unsupported_transaction"
	CodeNoTransaction  Code = "no_transaction"      // the file ends before T_NEW_CATALOG / T_UPDATE_*
	CodeVersionMixed   Code = "version_mismatch"    // args: element, version
	CodeCharset        Code = "unsupported_charset" // args: declared encoding
	CodeEmpty          Code = "empty"               // no root element, no header line
	CodeOneColumn      Code = "one_column"          // the header splits into one column with ; , and tab
	CodeMissingColumns Code = "missing_columns"     // args: the missing columns
	CodeColumnTwice    Code = "column_twice"        // args: column
	CodeLineTooLong    Code = "line_too_long"       // args: limit in bytes
	CodeTooManyItems   Code = "too_many_items"      // args: limit
)

// Per-product problems: the product is rejected, the import goes on.
const (
	CodeMissing        Code = "missing"         // Field is required and empty
	CodeDuplicate      Code = "duplicate_id"    // args: id, line of the first occurrence
	CodeGTINFormat     Code = "gtin_format"     // args: value
	CodeGTINCheckDigit Code = "gtin_check"      // args: value
	CodePriceMissing   Code = "price_missing"   // no net price (net_list or net_customer)
	CodePriceFormat    Code = "price_format"    // args: value
	CodeCurrency       Code = "currency"        // args: currency; prices must be in euro
	CodeVATFormat      Code = "vat_format"      // args: value
	CodeVATPercent     Code = "vat_percent"     // args: value; BMEcat TAX is a fraction
	CodeVATRange       Code = "vat_range"       // args: value
	CodeCPVFormat      Code = "cpv_format"      // args: value
	CodeCPVUnknown     Code = "cpv_unknown"     // args: value
	CodeDateFormat     Code = "date_format"     // args: value
	CodeValidity       Code = "validity_order"  // args: from, to
	CodeQuantityFormat Code = "quantity_format" // args: value
	CodeMode           Code = "mode"            // args: value
	CodeColumnCount    Code = "column_count"    // args: columns found, columns in the header, delimiter
	CodeEncoding       Code = "encoding"        // the line is not valid UTF-8 although the file has a BOM
	CodeCSVSyntax      Code = "csv_syntax"      // args: parser message
	CodeControlChar    Code = "control_char"    // the article number holds a control character
)

// Codes lists every code the packages produce.
func Codes() []Code {
	return []Code{CodeMalformed, CodeDoctype, CodeTooDeep, CodeTokenTooLarge, CodeTooLarge, CodeNotBMEcat,
		CodeNamespace, CodeVersion, CodeTransaction, CodeNoTransaction, CodeVersionMixed, CodeCharset, CodeEmpty,
		CodeOneColumn, CodeMissingColumns, CodeColumnTwice, CodeLineTooLong, CodeTooManyItems, CodeMissing,
		CodeDuplicate, CodeGTINFormat, CodeGTINCheckDigit, CodePriceMissing, CodePriceFormat, CodeCurrency,
		CodeVATFormat, CodeVATPercent, CodeVATRange, CodeCPVFormat, CodeCPVUnknown, CodeDateFormat, CodeValidity,
		CodeQuantityFormat, CodeMode, CodeColumnCount, CodeEncoding, CodeCSVSyntax, CodeControlChar}
}

// Problem is why one product is rejected: the source line, the field (a
// BMEcat element name or a CSV column as written in the file), a code and
// the arguments of its message.
type Problem struct {
	Line  int      `json:"line"`
	Field string   `json:"field,omitempty"`
	Code  Code     `json:"code"`
	Args  []string `json:"args,omitempty"`
}

// Message is the problem's text in lang ("de", the default, or "en"),
// prefixed with the line and the field.
func (p Problem) Message(lang string) string {
	return Message(p.Code, lang, p.Line, p.Field, p.Args...)
}

// Error is a fatal error: the file is not a catalogue this package reads,
// or it breaks a limit. Line is the source line where reading stopped (0
// when unknown). Error() gives the English message.
type Error struct {
	Line  int
	Field string
	Code  Code
	Args  []string
}

func (e *Error) Error() string { return Message(e.Code, "en", e.Line, e.Field, e.Args...) }

// Is makes errors.Is(err, &catalog.Error{Code: catalog.CodeDoctype}) match
// by code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Fatal builds an *Error.
func Fatal(line int, field string, code Code, args ...string) *Error {
	return &Error{Line: line, Field: field, Code: code, Args: args}
}

// Message writes the text of code in lang ("de", the default, or "en"),
// prefixed with the line and the field when given.
func Message(code Code, lang string, line int, field string, args ...string) string {
	l, ok := labels[code]
	var s string
	if !ok {
		s = strings.TrimSpace(string(code) + " " + strings.Join(args, " "))
	} else {
		f := l.de
		if lang == "en" {
			f = l.en
		}
		a := make([]any, strings.Count(f, "%s"))
		for i := range a {
			if i < len(args) {
				a[i] = args[i]
			} else {
				a[i] = ""
			}
		}
		s = fmt.Sprintf(f, a...)
	}
	var prefix []string
	if line > 0 {
		if lang == "en" {
			prefix = append(prefix, "line "+strconv.Itoa(line))
		} else {
			prefix = append(prefix, "Zeile "+strconv.Itoa(line))
		}
	}
	if field != "" {
		prefix = append(prefix, field)
	}
	if len(prefix) == 0 {
		return s
	}
	return strings.Join(prefix, ", ") + ": " + s
}

type label struct{ de, en string }

var labels = map[Code]label{
	CodeMalformed:      {"Die Datei ist kein wohlgeformtes XML (%s).", "The file is not well-formed XML (%s)."},
	CodeDoctype:        {"Die Datei enthält eine DOCTYPE- oder ENTITY-Deklaration; sie wird aus Sicherheitsgründen nicht gelesen.", "The file contains a DOCTYPE or ENTITY declaration; it is not read, for security."},
	CodeTooDeep:        {"Die Elemente sind tiefer als %s Ebenen verschachtelt.", "Elements are nested deeper than %s levels."},
	CodeTokenTooLarge:  {"Ein einzelnes Element oder ein Text ist größer als %s Bytes.", "A single element or text is larger than %s bytes."},
	CodeTooLarge:       {"Die Datei ist größer als %s Bytes.", "The file is larger than %s bytes."},
	CodeNotBMEcat:      {"Die Datei ist kein BMEcat-Katalog: das Wurzelelement ist %s statt BMECAT.", "The file is not a BMEcat catalogue: the root element is %s instead of BMECAT."},
	CodeNamespace:      {"Der Namensraum %s ist kein BMEcat-1.2- oder -2005-Namensraum.", "The namespace %s is not a BMEcat 1.2 or 2005 namespace."},
	CodeVersion:        {"BMEcat-Version %s wird nicht unterstützt (nur 1.2 und 2005).", "BMEcat version %s is not supported (only 1.2 and 2005)."},
	CodeTransaction:    {"Die Transaktion %s wird nicht unterstützt (T_NEW_CATALOG, T_UPDATE_PRODUCTS, T_UPDATE_PRICES).", "Transaction %s is not supported (T_NEW_CATALOG, T_UPDATE_PRODUCTS, T_UPDATE_PRICES)."},
	CodeNoTransaction:  {"Die Datei endet, bevor eine Transaktion (T_NEW_CATALOG, T_UPDATE_PRODUCTS, T_UPDATE_PRICES) beginnt.", "The file ends before a transaction (T_NEW_CATALOG, T_UPDATE_PRODUCTS, T_UPDATE_PRICES) begins."},
	CodeVersionMixed:   {"Element %s gehört nicht zu BMEcat %s.", "Element %s does not belong to BMEcat %s."},
	CodeCharset:        {"Die Zeichenkodierung %s wird nicht unterstützt (UTF-8, ISO-8859-1, ISO-8859-15, Windows-1252).", "Character encoding %s is not supported (UTF-8, ISO-8859-1, ISO-8859-15, Windows-1252)."},
	CodeEmpty:          {"Die Datei enthält keine Daten.", "The file contains no data."},
	CodeOneColumn:      {"Die Kopfzeile ergibt nur eine Spalte; Trennzeichen muss Semikolon, Komma oder Tabulator sein.", "The header line yields a single column; the delimiter must be a semicolon, a comma or a tab."},
	CodeMissingColumns: {"Pflichtspalten fehlen: %s.", "Required columns are missing: %s."},
	CodeColumnTwice:    {"Die Spalte %s kommt zweimal vor.", "Column %s appears twice."},
	CodeLineTooLong:    {"Eine Zeile ist länger als %s Bytes.", "A line is longer than %s bytes."},
	CodeTooManyItems:   {"Die Datei enthält mehr als %s Artikel; bitte in mehrere Dateien teilen.", "The file holds more than %s products; please split it into several files."},
	CodeMissing:        {"Pflichtangabe fehlt.", "Required value is missing."},
	CodeDuplicate:      {"Artikelnummer %s kommt doppelt vor (zuerst in Zeile %s).", "Article number %s appears twice (first on line %s)."},
	CodeGTINFormat:     {"%s ist keine GTIN (8, 12, 13 oder 14 Ziffern).", "%s is not a GTIN (8, 12, 13 or 14 digits)."},
	CodeGTINCheckDigit: {"Die Prüfziffer der GTIN %s ist falsch.", "The check digit of GTIN %s is wrong."},
	CodePriceMissing:   {"Der Artikel hat keinen Nettopreis (net_list oder net_customer).", "The product has no net price (net_list or net_customer)."},
	CodePriceFormat:    {"%s ist kein Preis.", "%s is not a price."},
	CodeCurrency:       {"Preise müssen in Euro angegeben sein, nicht in %s.", "Prices must be in euro, not in %s."},
	CodeVATFormat:      {"%s ist kein Steuersatz.", "%s is not a VAT rate."},
	CodeVATPercent:     {"Steuersatz %s: BMEcat erwartet einen Bruch wie 0.19 statt eines Prozentwerts.", "VAT rate %s: BMEcat expects a fraction such as 0.19, not a percentage."},
	CodeVATRange:       {"Steuersatz %s liegt nicht zwischen 0 und 100 %%.", "VAT rate %s is not between 0 and 100%%."},
	CodeCPVFormat:      {"%s ist kein CPV-Code (acht Ziffern, Bindestrich, Prüfziffer: 30213100-6).", "%s is not a CPV code (eight digits, hyphen, check digit: 30213100-6)."},
	CodeCPVUnknown:     {"CPV-Code %s gibt es nicht (oder die Prüfziffer ist falsch).", "CPV code %s does not exist (or its check digit is wrong)."},
	CodeDateFormat:     {"%s ist kein Datum (2026-01-31 oder 31.01.2026).", "%s is not a date (2026-01-31 or 31.01.2026)."},
	CodeValidity:       {"Der Preis gilt ab %s, aber nur bis %s.", "The price is valid from %s but only until %s."},
	CodeQuantityFormat: {"%s ist keine Menge.", "%s is not a quantity."},
	CodeMode:           {"%s ist kein Modus (new, update, delete).", "%s is not a mode (new, update, delete)."},
	CodeColumnCount:    {"Die Zeile hat %s Spalten, die Kopfzeile %s (Trennzeichen %s).", "The line has %s columns, the header %s (delimiter %s)."},
	CodeEncoding:       {"Die Zeile ist kein gültiges UTF-8, obwohl die Datei mit einer UTF-8-BOM beginnt.", "The line is not valid UTF-8 although the file starts with a UTF-8 BOM."},
	CodeCSVSyntax:      {"Die Zeile ist kein gültiges CSV (%s).", "The line is not valid CSV (%s)."},
	CodeControlChar:    {"Die Artikelnummer enthält ein Steuerzeichen, das in Bestellungen und E-Rechnungen (XML) nicht vorkommen darf.", "The article number contains a control character, which orders and e-invoices (XML) cannot carry."},
}
