// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Command modpack packs a module's working tree at a version into a file-based module
// proxy (the GOPROXY=file:// layout), so a build can name the module by version, as a
// user's does, with no replace directive. Only files git tracks or would track are packed,
// and nested modules are left out, as the module zip format requires.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"
)

func main() {
	dir := flag.String("dir", ".", "the module's root directory (a git work tree)")
	version := flag.String("version", "", "the version to pack it at, e.g. v0.0.0-20261201000000-abcdefabcdef")
	out := flag.String("proxy", "", "the proxy directory to write into")
	flag.Parse()
	if err := pack(*dir, *version, *out); err != nil {
		fmt.Fprintln(os.Stderr, "modpack:", err)
		os.Exit(1)
	}
}

func pack(dir, version, proxy string) error {
	if version == "" || proxy == "" {
		return errors.New("-version and -proxy are required")
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod")) //nolint:gosec // the module named on the command line
	if err != nil {
		return err
	}
	path := modulePath(gomod)
	if path == "" {
		return errors.New("go.mod names no module")
	}
	mv := module.Version{Path: path, Version: version}
	files, err := moduleFiles(dir)
	if err != nil {
		return err
	}
	escaped, err := module.EscapePath(path)
	if err != nil {
		return err
	}
	at := filepath.Join(proxy, escaped, "@v")
	if err := os.MkdirAll(at, 0o750); err != nil { //nolint:gosec // the proxy named on the command line
		return err
	}
	z, err := os.Create(filepath.Join(at, version+".zip")) //nolint:gosec // the proxy named on the command line
	if err != nil {
		return err
	}
	if err := zip.Create(z, mv, files); err != nil {
		_ = z.Close()
		return err
	}
	if err := z.Close(); err != nil {
		return err
	}
	info := fmt.Sprintf(`{"Version":%q,"Time":%q}`, version, time.Now().UTC().Format(time.RFC3339))
	return errors.Join(os.WriteFile(filepath.Join(at, version+".mod"), gomod, 0o600), //nolint:gosec // as above
		os.WriteFile(filepath.Join(at, version+".info"), []byte(info), 0o600), //nolint:gosec // as above
		os.WriteFile(filepath.Join(at, "list"), []byte(version+"\n"), 0o600))  //nolint:gosec // as above
}

func modulePath(gomod []byte) string {
	for _, line := range strings.Split(string(gomod), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// moduleFiles lists what git tracks or would track under dir, less nested modules.
func moduleFiles(dir string) ([]zip.File, error) {
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = dir
	listed, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files: %w", err)
	}
	var names []string
	nested := map[string]bool{}
	for _, name := range strings.Split(string(bytes.TrimRight(listed, "\x00")), "\x00") {
		if name == "" {
			continue
		}
		if _, err := os.Lstat(filepath.Join(dir, name)); err != nil {
			continue // deleted in the work tree
		}
		names = append(names, name)
		if d := filepath.Dir(name); filepath.Base(name) == "go.mod" && d != "." {
			nested[d] = true
		}
	}
	var files []zip.File
	for _, name := range names {
		if !inNested(name, nested) {
			files = append(files, dirFile{root: dir, name: filepath.ToSlash(name)})
		}
	}
	return files, nil
}

func inNested(name string, nested map[string]bool) bool {
	for d := filepath.Dir(name); d != "." && d != "/"; d = filepath.Dir(d) {
		if nested[d] {
			return true
		}
	}
	return false
}

type dirFile struct{ root, name string }

func (f dirFile) Path() string                { return f.name }
func (f dirFile) Lstat() (os.FileInfo, error) { return os.Lstat(filepath.Join(f.root, f.name)) }
func (f dirFile) Open() (io.ReadCloser, error) {
	return os.Open(filepath.Join(f.root, f.name))
}
