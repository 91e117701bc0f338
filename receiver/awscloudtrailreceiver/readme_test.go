package awscloudtrailreceiver

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/translate"
)

// The README documents every config key and every attribute the mapping can set.
func TestReadmeDocumentsConfigAndMapping(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	readme := string(b)

	typ := reflect.TypeFor[Config]()
	for i := range typ.NumField() {
		key := typ.Field(i).Tag.Get("mapstructure")
		if key == "" {
			continue
		}
		assert.True(t, strings.Contains(readme, "| `"+key+"` |"), "config key %s is not in the README's table", key)
	}
	names := append(translate.ResourceAttributeNames(), translate.LogAttributeNames()...)
	for _, name := range names {
		assert.True(t, strings.Contains(readme, "`"+name+"`"), "attribute %s is not in the README", name)
	}
}

// The README claims Insights events only once the receiver can request them (the insights
// key), and says how several pipelines multiply duplicates.
func TestReadmeSaysWhatIsTrue(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	readme := string(b)
	if _, ok := reflect.TypeFor[Config]().FieldByName("Insights"); !ok {
		assert.False(t, strings.Contains(readme, "Management and Insights events"), "no Insights stream is polled")
	}
	assert.True(t, strings.Contains(readme, "### Several pipelines"), "the fan-out's duplicates are documented")
}
