package redact

import (
	"errors"
)

var errSyntax = errors.New("not well-formed JSON")

// maxDepth bounds nesting; deeper records are left to the translator.
const maxDepth = 256

// rewriter copies in to out, dropping or hashing the values at the chosen paths.
type rewriter struct {
	r   *Redactor
	in  []byte
	pos int
	out []byte
}

func (w *rewriter) run() error {
	w.space()
	if err := w.value("", 0); err != nil {
		return err
	}
	w.space()
	if w.pos != len(w.in) {
		return errSyntax
	}
	return nil
}

func (w *rewriter) space() {
	for w.pos < len(w.in) {
		switch w.in[w.pos] {
		case ' ', '\t', '\n', '\r':
			w.out = append(w.out, w.in[w.pos])
			w.pos++
		default:
			return
		}
	}
}

// value copies one value at path.
func (w *rewriter) value(path string, depth int) error {
	if w.pos >= len(w.in) || depth > maxDepth {
		return errSyntax
	}
	switch w.in[w.pos] {
	case '{':
		return w.object(path, depth+1)
	case '[':
		return w.array(path, depth+1)
	}
	end, err := w.scalarEnd()
	if err != nil {
		return err
	}
	w.out = append(w.out, w.in[w.pos:end]...)
	w.pos = end
	return nil
}

// skipValue returns the end of the value at pos without copying it.
func (w *rewriter) skipValue() (int, error) {
	save, saveOut := w.pos, len(w.out)
	err := w.value("\x00", 0) // a path no field has
	end := w.pos
	w.pos, w.out = save, w.out[:saveOut]
	return end, err
}

func (w *rewriter) object(path string, depth int) error {
	w.out = append(w.out, '{')
	w.pos++
	w.space()
	if w.pos < len(w.in) && w.in[w.pos] == '}' {
		w.out = append(w.out, '}')
		w.pos++
		return nil
	}
	wrote := false // a member has been written (dropping may remove the first ones)
	for {
		if err := w.member(path, depth, &wrote); err != nil {
			return err
		}
		w.skipSpace()
		if w.pos >= len(w.in) {
			return errSyntax
		}
		switch w.in[w.pos] {
		case ',':
			w.pos++
		case '}':
			w.out = append(w.out, '}')
			w.pos++
			return nil
		default:
			return errSyntax
		}
	}
}

// member copies `"key": value` (with a leading comma when one was written before), or
// drops or hashes it.
func (w *rewriter) member(path string, depth int, wrote *bool) error {
	w.skipSpace()
	keyEnd, err := w.stringEnd()
	if err != nil {
		return err
	}
	rawKey := w.in[w.pos:keyEnd]
	field := join(path, keyText(rawKey))
	w.pos = keyEnd
	w.skipSpace()
	if w.pos >= len(w.in) || w.in[w.pos] != ':' {
		return errSyntax
	}
	w.pos++
	w.skipSpace()
	if w.r.paths[field] {
		end, err := w.skipValue()
		if err != nil {
			return err
		}
		if w.r.action == Drop {
			w.pos = end
			return nil
		}
		w.prefix(wrote, rawKey)
		w.out = append(w.out, w.r.hash(w.in[w.pos:end])...)
		w.pos = end
		return nil
	}
	w.prefix(wrote, rawKey)
	return w.value(field, depth)
}

func (w *rewriter) prefix(wrote *bool, rawKey []byte) {
	if *wrote {
		w.out = append(w.out, ',')
	}
	*wrote = true
	w.out = append(w.out, rawKey...)
	w.out = append(w.out, ':')
}

func (w *rewriter) array(path string, depth int) error {
	w.out = append(w.out, '[')
	w.pos++
	w.space()
	if w.pos < len(w.in) && w.in[w.pos] == ']' {
		w.out = append(w.out, ']')
		w.pos++
		return nil
	}
	for {
		w.space()
		if err := w.value(path, depth); err != nil {
			return err
		}
		w.space()
		if w.pos >= len(w.in) {
			return errSyntax
		}
		c := w.in[w.pos]
		w.out = append(w.out, c)
		w.pos++
		switch c {
		case ',':
		case ']':
			return nil
		default:
			return errSyntax
		}
	}
}

// skipSpace passes white space without copying it (inside objects, where members may be
// dropped, the output is written compact).
func (w *rewriter) skipSpace() {
	for w.pos < len(w.in) && (w.in[w.pos] == ' ' || w.in[w.pos] == '\t' || w.in[w.pos] == '\n' || w.in[w.pos] == '\r') {
		w.pos++
	}
}

// stringEnd returns the end of the string at pos.
func (w *rewriter) stringEnd() (int, error) {
	if w.pos >= len(w.in) || w.in[w.pos] != '"' {
		return 0, errSyntax
	}
	for i := w.pos + 1; i < len(w.in); i++ {
		switch w.in[i] {
		case '\\':
			i++
		case '"':
			return i + 1, nil
		}
	}
	return 0, errSyntax
}

// scalarEnd returns the end of the string, number or literal at pos.
func (w *rewriter) scalarEnd() (int, error) {
	if w.in[w.pos] == '"' {
		return w.stringEnd()
	}
	i := w.pos
	for i < len(w.in) {
		switch c := w.in[i]; {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c == '-', c == '+', c == '.', c == 'E':
			i++
			continue
		}
		break
	}
	if i == w.pos {
		return 0, errSyntax
	}
	return i, nil
}
