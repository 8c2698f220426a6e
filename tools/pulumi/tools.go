//go:build tools

// Package tools pins the Pulumi CLI: scripts/bootstrap.sh builds
// github.com/pulumi/pulumi/pkg/v3/cmd/pulumi at the version required in go.mod.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
