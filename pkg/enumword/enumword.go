// Package enumword turns the proto enums of the rpc contracts into the lowercase words the HTTP
// API uses, and back: ORDER_STATUS_PENDING is "pending" with the prefix "ORDER_STATUS_".
package enumword

import (
	"fmt"
	"strings"
)

// Word is the HTTP word of enum value name: name without prefix, lowercased. The zero value
// (<PREFIX>UNSPECIFIED) is "".
func Word(name, prefix string) string {
	word := strings.TrimPrefix(name, prefix)
	if word == "UNSPECIFIED" || word == name {
		return ""
	}
	return strings.ToLower(word)
}

// Parse finds the value of word among values (a generated <Enum>_value map); only lowercase words
// of non-zero values are accepted.
func Parse(word, prefix string, values map[string]int32) (int32, bool) {
	if word == "" || word != strings.ToLower(word) {
		return 0, false
	}
	v, ok := values[prefix+strings.ToUpper(word)]
	return v, ok && v != 0
}

// Words is a closed set of values and the word each is stored as (a domain's statuses and the
// database's spelling of them): one table read both ways.
type Words[V comparable] map[V]string

// Parse returns the value whose word is word; a word the table does not hold is an error.
func (w Words[V]) Parse(word string) (V, error) {
	for v, known := range w {
		if known == word {
			return v, nil
		}
	}
	var zero V
	return zero, fmt.Errorf("%q is not one of the known words", word)
}
