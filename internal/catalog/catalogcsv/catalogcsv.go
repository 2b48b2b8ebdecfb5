// Package catalogcsv reads supplier catalogues in CSV, one product per
// record, as a stream: memory is bounded by the longest record, not by the
// file (apart from the set of article numbers seen, see catalog.Seen).
//
// The first line names the columns. Names are matched without regard to
// case, blanks, "_", "-", "." and umlaut spelling ("Gültig ab" = "gueltig
// ab"); each column has a German name and aliases:
//
//	column                   aliases                                          required
//	Artikelnummer            Lieferantenartikelnummer, ArtNr, SUPPLIER_AID,   yes
//	                         SUPPLIER_PID, article number, SKU
//	GTIN                     EAN
//	Kurzbeschreibung         Kurztext, Bezeichnung, Artikelbezeichnung,       yes
//	                         DESCRIPTION_SHORT, short description, name
//	Langbeschreibung         Langtext, Beschreibung, DESCRIPTION_LONG,
//	                         long description, description
//	Einheit                  Bestelleinheit, Mengeneinheit, ORDER_UNIT, unit  yes
//	Preis                    Nettopreis, Preis netto, PRICE_AMOUNT,           yes
//	                         net price, price
//	Gültig ab                valid from, valid_start_date
//	Gültig bis               valid to, valid until, valid_end_date
//	MwSt                     MwSt-Satz, USt, Steuersatz, Umsatzsteuer, VAT,
//	                         VAT rate, TAX
//	CPV                      CPV-Code
//	Bild                     Bilder, Bild-URL, image, images, image URL,
//	                         MIME_SOURCE; several separated by "|" or blanks
//	Hersteller               manufacturer, MANUFACTURER_NAME
//	Herstellerartikelnummer  Herstellernummer, MANUFACTURER_PID,
//	                         MANUFACTURER_AID, MPN
//	Modus                    Aktion, mode: new, update or delete (empty: new);
//	                         with this column the file is a T_UPDATE_PRODUCTS
//
// Other columns are ignored. Prices are net euro amounts written the German
// way ("1.234,56") or plainly ("1234.56"); MwSt is a percentage ("19",
// "19 %", "7,0"; see catalog.ParseVATPercent); dates are "31.01.2026" or
// "2026-01-31".
//
// The delimiter — ";", "," or tab — is the one that occurs most often
// outside quotes in the header line. The encoding is UTF-8, with or without
// a byte order mark; without one, a line that is not valid UTF-8 is read as
// Windows-1252 (what Excel writes on German Windows), line by line, so a
// file that mixes both still reads right.
//
// Fatal errors (*catalog.Error): an empty file, a UTF-16 file, a header that
// yields one column with every delimiter, a missing required column (all
// missing ones are named), a column named twice, a record longer than
// Options.MaxRecordBytes, a quote that is never closed. Everything else is
// a per-product problem naming the line and the column.
package catalogcsv

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"kopit/internal/catalog"
)

// DefaultMaxRecordBytes bounds one record (one line, or several when a
// quoted field holds line breaks).
const DefaultMaxRecordBytes = 1 << 20

// Options set the limits; zero values take the defaults.
type Options struct {
	MaxRecordBytes int
	MaxItems       int // most products in the file (catalog.DefaultMaxItems when 0)
}

type column int

const (
	colID column = iota
	colGTIN
	colShort
	colLong
	colUnit
	colPrice
	colFrom
	colTo
	colVAT
	colCPV
	colImage
	colManufacturer
	colManufacturerPID
	colMode
	numColumns
)

// canonical are the German column names used in messages.
var canonical = [numColumns]string{"Artikelnummer", "GTIN", "Kurzbeschreibung", "Langbeschreibung", "Einheit", "Preis",
	"Gültig ab", "Gültig bis", "MwSt", "CPV", "Bild", "Hersteller", "Herstellerartikelnummer", "Modus"}

var required = []column{colID, colShort, colUnit, colPrice}

var aliases = map[string]column{}

func init() {
	for c, names := range map[column][]string{
		colID:              {"Artikelnummer", "Lieferantenartikelnummer", "ArtNr", "Art.-Nr.", "SUPPLIER_AID", "SUPPLIER_PID", "article number", "supplier article number", "SKU"},
		colGTIN:            {"GTIN", "EAN", "EAN/GTIN", "GTIN/EAN"},
		colShort:           {"Kurzbeschreibung", "Kurztext", "Bezeichnung", "Artikelbezeichnung", "DESCRIPTION_SHORT", "short description", "name"},
		colLong:            {"Langbeschreibung", "Langtext", "Beschreibung", "DESCRIPTION_LONG", "long description", "description"},
		colUnit:            {"Einheit", "Bestelleinheit", "Mengeneinheit", "ORDER_UNIT", "unit", "order unit"},
		colPrice:           {"Preis", "Nettopreis", "Preis netto", "PRICE_AMOUNT", "net price", "price"},
		colFrom:            {"Gültig ab", "valid from", "valid_start_date"},
		colTo:              {"Gültig bis", "valid to", "valid until", "valid_end_date"},
		colVAT:             {"MwSt", "MwSt-Satz", "USt", "Steuersatz", "Umsatzsteuer", "VAT", "VAT rate", "TAX"},
		colCPV:             {"CPV", "CPV-Code"},
		colImage:           {"Bild", "Bilder", "Bild-URL", "image", "images", "image URL", "MIME_SOURCE"},
		colManufacturer:    {"Hersteller", "manufacturer", "MANUFACTURER_NAME"},
		colManufacturerPID: {"Herstellerartikelnummer", "Herstellernummer", "MANUFACTURER_PID", "MANUFACTURER_AID", "MPN"},
		colMode:            {"Modus", "Aktion", "mode"},
	} {
		for _, n := range names {
			aliases[fold(n)] = c
		}
	}
}

// fold makes a column name comparable: lower case, umlauts spelt out,
// blanks and punctuation removed.
func fold(s string) string {
	s = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "Ä", "ae", "Ö", "oe", "Ü", "ue").Replace(strings.ToLower(strings.TrimSpace(s)))
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-', '.', '/', '\u00a0':
			return -1
		}
		return r
	}, s)
}

// Reader reads one CSV catalogue. It is not safe for concurrent use.
type Reader struct {
	src    *source
	csv    *csv.Reader
	hdr    catalog.Header
	names  []string // the header as written
	cols   []column // per position; -1: ignored
	pos    [numColumns]int
	seen   *catalog.Seen
	maxRec int
	err    error
	// maxItems bounds the records read; items counts them.
	maxItems, items int
}

// NewReader reads the header line, detects the delimiter and maps the
// columns; it returns a *catalog.Error when the file cannot be read as a
// catalogue.
func NewReader(r io.Reader, opts Options) (*Reader, error) {
	if opts.MaxRecordBytes <= 0 {
		opts.MaxRecordBytes = DefaultMaxRecordBytes
	}
	if opts.MaxItems <= 0 {
		opts.MaxItems = catalog.DefaultMaxItems
	}
	src := &source{br: bufio.NewReaderSize(r, 64<<10), max: opts.MaxRecordBytes, bad: map[int]bool{}}
	first, err := src.first()
	if err != nil {
		return nil, err
	}
	delim := detectDelimiter(first)
	if delim == 0 {
		return nil, catalog.Fatal(1, "", catalog.CodeOneColumn)
	}
	cr := csv.NewReader(src)
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	rd := &Reader{src: src, csv: cr, seen: catalog.NewSeen(), maxRec: opts.MaxRecordBytes, maxItems: opts.MaxItems}
	rd.hdr = catalog.Header{Format: "CSV", Transaction: catalog.NewCatalog, Currency: "EUR", Delimiter: delim}
	head, err := cr.Read()
	if err != nil {
		return nil, rd.fatal(err)
	}
	if len(head) < 2 {
		return nil, catalog.Fatal(1, "", catalog.CodeOneColumn)
	}
	rd.names = slices.Clone(head)
	rd.cols = make([]column, len(head))
	for i := range rd.pos {
		rd.pos[i] = -1
	}
	for i, name := range rd.names {
		rd.names[i] = strings.TrimSpace(name)
		c, ok := aliases[fold(name)]
		if !ok {
			rd.cols[i] = -1
			continue
		}
		if rd.pos[c] >= 0 {
			return nil, catalog.Fatal(1, rd.names[i], catalog.CodeColumnTwice, rd.names[i])
		}
		rd.pos[c], rd.cols[i] = i, c
	}
	var missing []string
	for _, c := range required {
		if rd.pos[c] < 0 {
			missing = append(missing, canonical[c])
		}
	}
	if len(missing) > 0 {
		return nil, catalog.Fatal(1, "", catalog.CodeMissingColumns, strings.Join(missing, ", "))
	}
	if rd.pos[colMode] >= 0 {
		rd.hdr.Transaction = catalog.UpdateProducts
	}
	return rd, nil
}

// detectDelimiter picks the most frequent of ; , and tab outside quotes;
// 0 when none occurs. A tie goes to ";", then tab.
func detectDelimiter(line []byte) rune {
	counts := map[byte]int{}
	inQuote := false
	for _, b := range line {
		switch {
		case b == '"':
			inQuote = !inQuote
		case !inQuote && (b == ';' || b == ',' || b == '\t'):
			counts[b]++
		}
	}
	best, n := rune(0), 0
	for _, d := range []byte{';', '\t', ','} {
		if counts[d] > n {
			best, n = rune(d), counts[d]
		}
	}
	return best
}

// Header describes the file: Format "CSV", the delimiter, the encoding seen
// so far ("Windows-1252" once a line needed it), the transaction
// (T_UPDATE_PRODUCTS when there is a Modus column) and Currency "EUR".
func (r *Reader) Header() catalog.Header {
	h := r.hdr
	h.Encoding = r.src.encoding()
	return h
}

// Columns are the column names as written in the header line.
func (r *Reader) Columns() []string { return slices.Clone(r.names) }

// Offset is the number of bytes read from the source so far, for a
// progress bar.
func (r *Reader) Offset() int64 { return r.src.raw }

// All ranges over the products; a fatal error is yielded once, last.
func (r *Reader) All() iter.Seq2[catalog.Item, error] {
	return func(yield func(catalog.Item, error) bool) {
		for {
			it, err := r.Next()
			if err == io.EOF || !yield(it, err) || err != nil {
				return
			}
		}
	}
}

// Next returns the next product. At the end of the file it returns io.EOF;
// a *catalog.Error ends the stream and is returned again by every later
// call. A record with problems is returned with a nil error and
// Item.Problems set.
func (r *Reader) Next() (catalog.Item, error) {
	if r.err != nil {
		return catalog.Item{}, r.err
	}
	rec, err := r.csv.Read()
	r.src.mark = r.csv.InputOffset()
	if err == nil {
		if r.items++; r.items > r.maxItems {
			line, _ := r.csv.FieldPos(0)
			r.err = catalog.Fatal(line, "", catalog.CodeTooManyItems, strconv.Itoa(r.maxItems))
			return catalog.Item{}, r.err
		}
	}
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe) && pe.StartLine == pe.Line && !errors.Is(pe.Err, errRecordTooLong):
		it := catalog.Item{Line: pe.StartLine, Mode: catalog.ModeNew}
		it.Problemf(pe.Line, "", catalog.CodeCSVSyntax, pe.Err.Error())
		r.src.forget(pe.Line)
		return it, nil
	case err != nil:
		r.err = r.fatal(err)
		return catalog.Item{}, r.err
	}
	return r.item(rec), nil
}

func (r *Reader) fatal(err error) error {
	var pe *csv.ParseError
	var ce *catalog.Error
	switch {
	case errors.As(err, &ce):
		return ce
	case errors.Is(err, errRecordTooLong):
		line := 0
		if errors.As(err, &pe) {
			line = pe.StartLine
		}
		return catalog.Fatal(line, "", catalog.CodeLineTooLong, strconv.Itoa(r.maxRec))
	case err == io.EOF && r.names == nil:
		return catalog.Fatal(0, "", catalog.CodeEmpty)
	case err == io.EOF:
		return io.EOF
	case errors.As(err, &pe):
		return catalog.Fatal(pe.StartLine, "", catalog.CodeCSVSyntax, pe.Err.Error())
	}
	return catalog.Fatal(0, "", catalog.CodeMalformed, err.Error())
}

func (r *Reader) item(rec []string) catalog.Item {
	line, _ := r.csv.FieldPos(0)
	lastLine, _ := r.csv.FieldPos(len(rec) - 1)
	it := catalog.Item{Line: line, Mode: catalog.ModeNew}
	get := func(c column) (string, int, string) {
		i := r.pos[c]
		if i < 0 || i >= len(rec) {
			return "", line, ""
		}
		l, _ := r.csv.FieldPos(i)
		return strings.TrimSpace(strings.ToValidUTF8(rec[i], "\uFFFD")), l, r.names[i]
	}
	it.SupplierPID, _, _ = get(colID)
	if r.src.badIn(line, lastLine) {
		it.Problemf(line, "", catalog.CodeEncoding)
	}
	if len(rec) != len(r.names) {
		it.Problemf(line, "", catalog.CodeColumnCount, strconv.Itoa(len(rec)), strconv.Itoa(len(r.names)), delimName(r.hdr.Delimiter))
		r.dedupe(&it)
		return it
	}
	if s, l, name := get(colMode); s != "" {
		m, ok := catalog.ParseMode(s)
		if !ok {
			it.Problemf(l, name, catalog.CodeMode, s)
		}
		it.Mode = m
	}
	it.ShortDescription, _, _ = get(colShort)
	it.LongDescription, _, _ = get(colLong)
	it.Unit, _, _ = get(colUnit)
	it.ManufacturerName, _, _ = get(colManufacturer)
	it.ManufacturerPID, _, _ = get(colManufacturerPID)
	if s, l, name := get(colGTIN); s != "" {
		g, code := catalog.CheckGTIN(s)
		if code != "" {
			it.Problemf(l, name, code, s)
		} else {
			it.GTIN = g
		}
	}
	if s, l, name := get(colCPV); s != "" {
		c, code := catalog.CheckCPV(s)
		if code != "" {
			it.Problemf(l, name, code, s)
		} else {
			it.CPV = c
		}
	}
	if s, _, _ := get(colImage); s != "" {
		it.Images = strings.FieldsFunc(s, func(r rune) bool { return r == '|' || r == ' ' || r == '\t' || r == '\n' })
	}
	r.price(&it, get)
	catalog.Validate(&it, r.hdr.Transaction, catalog.Fields{ID: r.name(colID), ShortDescription: r.name(colShort), Unit: r.name(colUnit), Price: r.name(colPrice)})
	r.dedupe(&it)
	return it
}

func (r *Reader) price(it *catalog.Item, get func(column) (string, int, string)) {
	s, l, name := get(colPrice)
	if s == "" {
		return
	}
	p := catalog.Price{Type: catalog.PriceNetCustomer, Currency: "EUR", VAT: catalog.VATUnknown, LowerBoundE4: 10000}
	ok := true
	if v, good := catalog.ParseGermanAmount(s); good {
		p.AmountE4 = v
	} else {
		it.Problemf(l, name, catalog.CodePriceFormat, s)
		ok = false
	}
	if s, l, name := get(colVAT); s != "" {
		v, code := catalog.ParseVATPercent(s)
		if code != "" {
			it.Problemf(l, name, code, s)
			ok = false
		}
		p.VAT = v
	}
	from, lf, nf := get(colFrom)
	to, lt, nt := get(colTo)
	if from != "" {
		if d, good := catalog.ParseDate(from); good {
			p.ValidFrom = d
		} else {
			it.Problemf(lf, nf, catalog.CodeDateFormat, from)
		}
	}
	if to != "" {
		if d, good := catalog.ParseDate(to); good {
			p.ValidTo = d
		} else {
			it.Problemf(lt, nt, catalog.CodeDateFormat, to)
		}
	}
	if !p.ValidFrom.IsZero() && !p.ValidTo.IsZero() && p.ValidTo.Before(p.ValidFrom) {
		it.Problemf(lt, nt, catalog.CodeValidity, from, to)
	}
	if ok {
		it.Prices = append(it.Prices, p)
	}
}

func (r *Reader) name(c column) string {
	if r.pos[c] < 0 {
		return canonical[c]
	}
	return r.names[r.pos[c]]
}

func (r *Reader) dedupe(it *catalog.Item) {
	if first := r.seen.Add(it.SupplierPID, it.Line); first != 0 {
		it.Problemf(it.Line, r.name(colID), catalog.CodeDuplicate, it.SupplierPID, strconv.Itoa(first))
	}
}

func delimName(d rune) string {
	if d == '\t' {
		return "Tab"
	}
	return string(d)
}

var errRecordTooLong = errors.New("catalogcsv: record too long")

// source hands the CSV parser its input line by line: the BOM removed, each
// line that is not valid UTF-8 decoded from Windows-1252 (or, after a BOM,
// remembered as broken). It refuses to run more than max bytes (plus the
// parser's read buffer) ahead of the last record.
type source struct {
	br      *bufio.Reader
	max     int
	raw     int64 // bytes read from the input
	out     int64 // bytes handed to the parser
	mark    int64 // the parser's offset after the last record
	line    int   // lines read
	pending []byte
	started bool
	bom     bool
	cp1252  bool
	bad     map[int]bool // lines not valid UTF-8 in a file with BOM, not yet passed by a record
	lineBuf []byte
}

func (s *source) encoding() string {
	if s.cp1252 {
		return "Windows-1252"
	}
	return "UTF-8"
}

// first reads the header line, keeps it pending for the parser and returns
// it.
func (s *source) first() ([]byte, error) {
	if err := s.fill(); err != nil {
		if err == io.EOF {
			return nil, catalog.Fatal(0, "", catalog.CodeEmpty)
		}
		return nil, err
	}
	if len(bytes.TrimSpace(s.pending)) == 0 {
		return nil, catalog.Fatal(1, "", catalog.CodeEmpty)
	}
	return s.pending, nil
}

// fill reads the next line into pending.
func (s *source) fill() error {
	if !s.started {
		s.started = true
		b, _ := s.br.Peek(3)
		switch {
		case bytes.HasPrefix(b, []byte("\xef\xbb\xbf")):
			s.bom = true
			s.br.Discard(3)
			s.raw += 3
		case bytes.HasPrefix(b, []byte("\xff\xfe")), bytes.HasPrefix(b, []byte("\xfe\xff")):
			return catalog.Fatal(1, "", catalog.CodeCharset, "UTF-16")
		}
	}
	s.lineBuf = s.lineBuf[:0]
	for {
		chunk, err := s.br.ReadSlice('\n')
		s.raw += int64(len(chunk))
		s.lineBuf = append(s.lineBuf, chunk...)
		if len(s.lineBuf) > s.max {
			return &csv.ParseError{StartLine: s.line + 1, Line: s.line + 1, Err: errRecordTooLong}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && (err != io.EOF || len(s.lineBuf) == 0) {
			return err
		}
		break
	}
	s.line++
	switch {
	case utf8.Valid(s.lineBuf):
		s.pending = s.lineBuf
	case s.bom:
		s.bad[s.line] = true
		s.pending = s.lineBuf
	default:
		s.cp1252 = true
		dec, err := charmap.Windows1252.NewDecoder().Bytes(s.lineBuf)
		if err != nil {
			return err
		}
		s.pending = dec
	}
	return nil
}

func (s *source) Read(p []byte) (int, error) {
	if s.out-s.mark > int64(s.max)+64<<10 {
		return 0, &csv.ParseError{StartLine: s.line, Line: s.line, Err: errRecordTooLong}
	}
	if len(s.pending) == 0 {
		if err := s.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, s.pending)
	s.pending = s.pending[n:]
	s.out += int64(n)
	return n, nil
}

// badIn reports whether a line from first to last was not valid UTF-8, and
// forgets the lines up to last.
func (s *source) badIn(first, last int) bool {
	found := false
	for l := range s.bad {
		if l >= first && l <= last {
			found = true
		}
		if l <= last {
			delete(s.bad, l)
		}
	}
	return found
}

func (s *source) forget(upTo int) { s.badIn(upTo+1, upTo) }
