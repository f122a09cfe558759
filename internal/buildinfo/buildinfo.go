// Package buildinfo says which lenet a binary is: its module version and the source
// revision it was built from, as the go command stamped them.
package buildinfo

import "runtime/debug"

// Describe returns the module version ("(devel)" when built from a checkout) and the
// revision with its time, marked when the checkout had uncommitted changes.
func Describe() (version, revision string) {
	version, revision = "unknown", "unknown (not stamped: built by go run or with -buildvcs=false)"
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return version, revision
	}
	vcs := map[string]string{}
	for _, s := range info.Settings {
		vcs[s.Key] = s.Value
	}
	if r := vcs["vcs.revision"]; r != "" {
		revision = r + " (" + vcs["vcs.time"] + ")"
		if vcs["vcs.modified"] == "true" {
			revision += " with uncommitted changes"
		}
	}
	return info.Main.Version, revision
}
