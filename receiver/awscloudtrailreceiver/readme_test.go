// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/translate"
)

// The reference lives in docs/: docs/configuration.md has a table row for every config key
// (nested keys dotted, such as redact.action), docs/mapping.md one for every attribute the
// translator can set.
func TestDocsDocumentConfigAndMapping(t *testing.T) {
	configuration := readDoc(t, "../../docs/configuration.md")
	keys := configKeys(reflect.TypeFor[Config](), "")
	require.Contains(t, keys, "redact.hash_key", "nested keys are walked")
	for _, key := range keys {
		assert.True(t, strings.Contains(configuration, "\n| `"+key+"` |"),
			"config key %s has no row in docs/configuration.md", key)
	}

	mapping := readDoc(t, "../../docs/mapping.md")
	names := append(translate.ResourceAttributeNames(), translate.LogAttributeNames()...)
	for _, name := range names {
		row := regexp.MustCompile("\n\\| `" + regexp.QuoteMeta(name) + "`( \\(resource\\))? \\|")
		assert.True(t, row.MatchString(mapping), "attribute %s has no row in docs/mapping.md", name)
	}
}

// The README's minimal and full configurations load and validate, and the full one names
// every key of the receiver.
func TestReadmeConfigurationsAreValid(t *testing.T) {
	readme := readDoc(t, "../../README.md")
	for _, section := range []string{"### Minimal", "### Full"} {
		t.Run(strings.TrimPrefix(section, "### "), func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "config.yaml")
			require.NoError(t, os.WriteFile(file, []byte(yamlBlockAfter(t, readme, section)), 0o600))
			cm, err := confmaptest.LoadConf(file)
			require.NoError(t, err)
			sub, err := cm.Sub("receivers::awscloudtrail")
			require.NoError(t, err)
			cfg := createDefaultConfig()
			require.NoError(t, sub.Unmarshal(cfg))
			require.NoError(t, confmap.Validate(cfg))
			if section != "### Full" {
				return
			}
			leaves := sub.AllKeys()
			for _, key := range configKeys(reflect.TypeFor[Config](), "") {
				k := strings.ReplaceAll(key, ".", confmap.KeyDelimiter)
				named := false
				for _, leaf := range leaves {
					named = named || leaf == k || strings.HasPrefix(leaf, k+confmap.KeyDelimiter)
				}
				assert.True(t, named, "the README's full configuration does not name %s", key)
			}
		})
	}
}

// yamlBlockAfter returns the first YAML code block after the line heading.
func yamlBlockAfter(t *testing.T, text, heading string) string {
	t.Helper()
	_, rest, ok := strings.Cut(text, "\n"+heading+"\n")
	require.True(t, ok, "no heading %q", heading)
	_, rest, ok = strings.Cut(rest, "```yaml\n")
	require.True(t, ok, "no YAML block after %q", heading)
	block, _, ok := strings.Cut(rest, "\n```")
	require.True(t, ok, "unterminated YAML block after %q", heading)
	return block
}

// configKeys lists the mapstructure keys of a config struct, descending into the structs
// of this module (a nested key is "parent.child"; a squashed struct adds no prefix).
func configKeys(typ reflect.Type, prefix string) []string {
	var keys []string
	for i := range typ.NumField() {
		f := typ.Field(i)
		tag := f.Tag.Get("mapstructure")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" || (name == "" && opts != "squash") {
			continue
		}
		ft := unwrapOptional(f.Type)
		nested := ft.Kind() == reflect.Struct && strings.HasPrefix(ft.PkgPath(), "github.com/otelcol-cloudtrail/")
		switch {
		case opts == "squash" && nested:
			keys = append(keys, configKeys(ft, prefix)...)
		case nested:
			keys = append(keys, prefix+name)
			keys = append(keys, configKeys(ft, prefix+name+".")...)
		default:
			keys = append(keys, prefix+name)
		}
	}
	return keys
}

// unwrapOptional dereferences pointers and, for an optional block
// (configoptional.Optional[T]), returns T.
func unwrapOptional(ft reflect.Type) reflect.Type {
	for ft.Kind() == reflect.Pointer {
		ft = ft.Elem()
	}
	if ft.Kind() == reflect.Struct && ft.PkgPath() == "go.opentelemetry.io/collector/config/configoptional" {
		for i := range ft.NumField() {
			if inner := ft.Field(i).Type; inner.Kind() == reflect.Struct || inner.Kind() == reflect.Pointer {
				return unwrapOptional(inner)
			}
		}
	}
	return ft
}

func TestConfigKeysWalksNestedStructs(t *testing.T) {
	type inner struct {
		A string `mapstructure:"a"`
	}
	type outer struct {
		X     int    `mapstructure:"x"`
		In    inner  `mapstructure:"in"`
		Ptr   *inner `mapstructure:"ptr"`
		Flat  inner  `mapstructure:",squash"`
		Skip  int    `mapstructure:"-"`
		NoTag int
	}
	assert.Equal(t, []string{"x", "in", "in.a", "ptr", "ptr.a", "a"}, configKeys(reflect.TypeFor[outer](), ""))
}

// Every relative link in the README, docs/ and the processor's README points to a file
// that exists, and every #anchor to a heading of that file.
func TestDocsLinksResolve(t *testing.T) {
	files := []string{"../../README.md", "../../processor/awsrequestidprocessor/README.md"}
	docs, err := filepath.Glob("../../docs/*.md")
	require.NoError(t, err)
	require.NotEmpty(t, docs)
	files = append(files, docs...)

	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	for _, file := range files {
		text := readDoc(t, file)
		for _, m := range link.FindAllStringSubmatch(text, -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path, anchor, _ := strings.Cut(target, "#")
			resolved := file
			if path != "" {
				resolved = filepath.Join(filepath.Dir(file), path)
			}
			if !assert.FileExists(t, resolved, "%s links to %s", file, target) || anchor == "" {
				continue
			}
			assert.Contains(t, headingAnchors(readDoc(t, resolved)), anchor, "%s links to %s", file, target)
		}
	}
}

// headingAnchors returns the anchors GitHub gives the headings of a Markdown text.
func headingAnchors(text string) []string {
	var anchors []string
	inCode := false
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
		}
		if inCode || !strings.HasPrefix(line, "#") {
			continue
		}
		title := strings.TrimSpace(strings.TrimLeft(line, "#"))
		var b strings.Builder
		for _, r := range strings.ToLower(title) {
			switch {
			case r == ' ' || r == '-':
				b.WriteRune('-')
			case r == '_' || ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') || r > 127:
				b.WriteRune(r)
			}
		}
		anchors = append(anchors, b.String())
	}
	return anchors
}

func TestHeadingAnchors(t *testing.T) {
	text := "# Title\n## Minimal IAM policy\n```sh\n# not a heading\n```\n### What `make run` shows\n## Contrib's feature gates\n"
	assert.Equal(t, []string{"title", "minimal-iam-policy", "what-make-run-shows", "contribs-feature-gates"}, headingAnchors(text))
}

func readDoc(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// The docs claim Insights events only once the receiver can request them (the insights
// key), and say how several pipelines multiply duplicates.
func TestDocsSayWhatIsTrue(t *testing.T) {
	text := readDoc(t, "../../README.md")
	docs, err := filepath.Glob("../../docs/*.md")
	require.NoError(t, err)
	for _, d := range docs {
		text += readDoc(t, d)
	}
	if _, ok := reflect.TypeFor[Config]().FieldByName("Insights"); !ok {
		assert.NotContains(t, text, "Management and Insights events", "no Insights stream is polled")
	}
	assert.Contains(t, readDoc(t, "../../docs/reliability.md"), "**Several pipelines.**", "the fan-out's duplicates are documented")
}
