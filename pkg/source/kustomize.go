package source

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// KustomizationFile returns the path of the kustomization file in dir (kustomization.yaml,
// kustomization.yml or Kustomization, the names kustomize recognises), or "" when dir has
// none.
func KustomizationFile(dir string) string {
	for _, name := range konfig.RecognizedKustomizationFileNames() {
		p := filepath.Join(dir, name)
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// Kustomize renders the kustomization in dir exactly as `kubectl kustomize dir`, and so
// `kubectl apply -k dir`, does with the kustomize that kubectl embeds: the same options
// (files loaded from the kustomization's root only, no Helm, no plugins, the legacy resource
// order), and the same YAML stream, whose generated names carry the same hashes.
//
// Nothing is fetched: a remote base, component or file (a URL, github.com/..., user@host:...)
// is refused before rendering, naming the kustomization file and the entry. kustomize's
// own errors are returned as it words them, file names and lines included.
func Kustomize(dir string) ([]byte, error) {
	if err := checkLocal(dir, map[string]bool{}); err != nil {
		return nil, err
	}
	opts := krusty.MakeDefaultOptions() // LoadRestrictionsRootOnly, plugins disabled
	opts.Reorder = krusty.ReorderOptionLegacy
	m, err := krusty.MakeKustomizer(opts).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, fmt.Errorf("kustomize build %s: %w", dir, err)
	}
	out, err := m.AsYaml()
	if err != nil {
		return nil, fmt.Errorf("kustomize build %s: %w", dir, err)
	}
	return out, nil
}

// ErrRemote is the error of a kustomization that names something to fetch.
var ErrRemote = errors.New("remote kustomize references are not supported: gitops-drift renders without network access; copy (vendor) it into the repository")

// checkLocal refuses the remote references of the kustomization in dir and, recursively, of
// the local kustomizations it names. seen holds the directories already checked.
func checkLocal(dir string, seen map[string]bool) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if seen[abs] {
		return nil
	}
	seen[abs] = true
	file := KustomizationFile(abs)
	if file == "" {
		return nil // kustomize reports it, if it matters
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var k types.Kustomization
	if err := yaml.Unmarshal(data, &k); err != nil {
		return nil // not ours to report: kustomize words syntax errors with their lines
	}
	k.FixKustomization()
	var errs []error
	for _, ref := range references(&k) {
		local := filepath.Join(abs, ref.path)
		if isRemote(ref.path, local) {
			errs = append(errs, fmt.Errorf("%s: %s %q: %w", displayPath(dir, file), ref.field, ref.path, ErrRemote))
			continue
		}
		if ref.dir {
			if err := checkLocal(local, seen); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// displayPath names file as seen from where dir was given.
func displayPath(dir, file string) string {
	return filepath.Join(dir, filepath.Base(file))
}

// reference is a path a kustomization names: field is where, dir whether it may be another
// kustomization.
type reference struct {
	field string
	path  string
	dir   bool
}

// references lists the paths of k that kustomize would read, or fetch.
func references(k *types.Kustomization) []reference {
	var refs []reference
	add := func(field string, dir bool, paths ...string) {
		for _, p := range paths {
			if p != "" && !strings.Contains(p, "\n") { // inline YAML is no path
				refs = append(refs, reference{field: field, path: p, dir: dir})
			}
		}
	}
	add("resources", true, k.Resources...)
	add("components", true, k.Components...)
	add("generators", true, k.Generators...)
	add("transformers", true, k.Transformers...)
	add("validators", true, k.Validators...)
	add("crds", false, k.Crds...)
	add("configurations", false, k.Configurations...)
	add("openapi", false, k.OpenAPI["path"])
	//lint:ignore SA1019 kustomizations users still have list patchesStrategicMerge, which kustomize still applies
	for _, p := range k.PatchesStrategicMerge {
		add("patchesStrategicMerge", false, string(p))
	}
	//lint:ignore SA1019 kustomizations users still have list patchesJson6902, which kustomize still applies
	for _, p := range append(k.Patches, k.PatchesJson6902...) {
		add("patches", false, p.Path)
	}
	for _, r := range k.Replacements {
		add("replacements", false, r.Path)
	}
	for _, g := range k.ConfigMapGenerator {
		add("configMapGenerator", false, generatorFiles(g.GeneratorArgs)...)
	}
	for _, g := range k.SecretGenerator {
		add("secretGenerator", false, generatorFiles(g.GeneratorArgs)...)
	}
	return refs
}

// generatorFiles are the files a generator reads: "key=path" or "path" entries, and env files.
func generatorFiles(g types.GeneratorArgs) []string {
	var out []string
	for _, f := range g.FileSources {
		_, p, ok := strings.Cut(f, "=")
		if !ok {
			p = f
		}
		out = append(out, p)
	}
	return append(out, g.EnvSources...)
}

// scpUser matches the user of an SCP-style Git URL (git@host:org/repo), as kustomize does.
var scpUser = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]*@`)

// isRemote reports whether kustomize would fetch ref rather than read it from local, its
// path on disk: a URL of any scheme (kustomize clones file:// too, with the git binary), a
// github.com path, or an SCP-style user@host:path that is not a local file.
func isRemote(ref, local string) bool {
	s, _, _ := strings.Cut(ref, "?")
	lower := strings.TrimPrefix(strings.ToLower(s), "git::")
	switch {
	case strings.Contains(lower, "://"):
		return true
	case strings.HasPrefix(lower, "github.com/"), strings.HasPrefix(lower, "github.com:"):
		return true
	case scpUser.MatchString(s):
		_, err := os.Stat(local)
		return err != nil
	}
	return false
}
