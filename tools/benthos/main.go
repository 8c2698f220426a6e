// Command benthos is the open-source Benthos core (pure and io components) that the test suite
// runs the collector pipeline on. It is built from the Go module proxy because `go install
// ...@v4.60.0` cannot resolve the module's deprecation list here; the module is pinned in go.mod.
package main

import (
	"context"

	_ "github.com/redpanda-data/benthos/v4/public/components/io"
	_ "github.com/redpanda-data/benthos/v4/public/components/pure"
	"github.com/redpanda-data/benthos/v4/public/service"
)

func main() {
	service.RunCLI(context.Background())
}
