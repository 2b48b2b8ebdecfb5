package law

import "fmt"

// Code classifies an engine error; callers map it to an exit code, an HTTP
// status or a message key ("law.error." + code).
type Code string

const (
	// CodeInvalid: an argument is missing, malformed or out of range.
	CodeInvalid Code = "invalid_argument"
	// CodeWorks: works contracts (VOB/A, EU works threshold) are not covered.
	CodeWorks Code = "works_not_covered"
	// CodeNoRule: no table row is valid on the date asked for.
	CodeNoRule Code = "no_rule_for_date"
	// CodeDeadlineTooShort: a deadline breaks a minimum time limit.
	CodeDeadlineTooShort Code = "deadline_too_short"
	// CodeMustExtend: a time limit must be extended (§ 20 Abs. 3 VgV).
	CodeMustExtend Code = "time_limit_must_be_extended"
	// CodeFrameworkTerm: a framework agreement runs longer than the law allows.
	CodeFrameworkTerm Code = "framework_term_too_long"
	// CodeJudgement: the tables hold no figure for the question; a person
	// has to decide it. Not a refusal: show it as a warning.
	CodeJudgement Code = "needs_judgement"
)

// Error is the engine's one error type: a stable code, the input field it
// concerns (if any), the legal source of the rule that was applied, and an
// English message for logs and the command line.
type Error struct {
	Code    Code
	Field   string
	Source  string
	Message string
}

func (e *Error) Error() string {
	s := string(e.Code)
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Source != "" {
		s += " [" + e.Source + "]"
	}
	return s
}

// Is makes errors.Is(err, ErrWorks) and friends match by code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Field == "" && t.Message == "" && t.Source == ""
}

// Sentinels for errors.Is; the errors returned carry details.
var (
	ErrInvalidArgument  = &Error{Code: CodeInvalid}
	ErrWorks            = &Error{Code: CodeWorks}
	ErrNoRule           = &Error{Code: CodeNoRule}
	ErrDeadlineTooShort = &Error{Code: CodeDeadlineTooShort}
	ErrMustExtend       = &Error{Code: CodeMustExtend}
	ErrFrameworkTerm    = &Error{Code: CodeFrameworkTerm}
	ErrJudgement        = &Error{Code: CodeJudgement}
)

func invalid(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}
