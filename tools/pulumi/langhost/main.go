// Command pulumi-language-python is a minimal Python language host for the Pulumi engine, built
// by scripts/bootstrap.sh because the upstream host (module
// github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3) is not served by the Go
// module proxy that our machines reach. It implements only what the engine needs to run this
// project and its policy pack:
//
//   - Run: starts the program with `<virtualenv>/bin/python -u pulumi-language-python-exec ...`
//     (the exec script sits next to this binary), config in PULUMI_CONFIG and secret keys in
//     PULUMI_CONFIG_SECRET_KEYS, and reports exit code 32 as "error already shown" (bail);
//   - RunPlugin: starts a policy pack (kind "analyzer") with `python -u -m pulumi.policy <args>
//     <pack dir>`, or a Python plugin directory with `python -u <dir> <args>`, and streams its
//     output back to the engine;
//   - Handshake, GetPluginInfo, GetRequiredPlugins/GetRequiredPackages (none: the project's
//     plugins are found on PATH).
//
// The virtualenv is the `virtualenv` runtime option of Pulumi.yaml / PulumiPolicy.yaml, relative
// to the project (or pack) root. No dependency installation: bootstrap.sh and the tests create
// the virtualenvs.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is the engine version this host is built alongside (set with -ldflags -X).
var version = "3.276.0"

// Exit code the exec script uses after it has already reported the error to the engine.
const bailExitCode = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	mu     sync.Mutex
	engine string
}

func (h *host) engineAddress() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engine
}

func (h *host) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.GetEngineAddress() != "" {
		h.engine = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h *host) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

// python returns the interpreter of the program's virtualenv (runtime option `virtualenv`,
// relative to the root directory), or python3 from PATH when none is configured.
func python(info *pulumirpc.ProgramInfo) (string, error) {
	venv := ""
	if info != nil && info.GetOptions() != nil {
		if v, ok := info.GetOptions().AsMap()["virtualenv"].(string); ok {
			venv = v
		}
	}
	if venv == "" {
		return exec.LookPath("python3")
	}
	if !filepath.IsAbs(venv) {
		venv = filepath.Join(info.GetRootDirectory(), venv)
	}
	interpreter := filepath.Join(venv, "bin", "python")
	if _, err := os.Stat(interpreter); err != nil {
		return "", fmt.Errorf("the virtualenv %s has no bin/python: create it and install the "+
			"requirements (python3 -m venv %s && %s/bin/pip install -r requirements.txt)", venv, venv, venv)
	}
	return interpreter, nil
}

// entryPoint is the program to run: the entry point inside the program directory ("." means
// the directory, which Python runs through its __main__.py).
func entryPoint(info *pulumirpc.ProgramInfo, pwd, program string) string {
	if info == nil {
		if program == "" {
			program = "."
		}
		return filepath.Join(pwd, program)
	}
	return filepath.Join(info.GetProgramDirectory(), info.GetEntryPoint())
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	interpreter, err := python(req.GetInfo())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	script := filepath.Join(filepath.Dir(self), "pulumi-language-python-exec")
	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secrets, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	args := []string{
		"-u", script,
		"--monitor", req.GetMonitorAddress(),
		"--engine", h.engineAddress(),
		"--project", req.GetProject(),
		"--stack", req.GetStack(),
		"--organization", req.GetOrganization(),
		"--root_directory", req.GetInfo().GetRootDirectory(),
		"--pwd", req.GetPwd(),
		"--parallel", strconv.Itoa(int(req.GetParallel())),
		"--dry_run", strconv.FormatBool(req.GetDryRun()),
		entryPoint(req.GetInfo(), req.GetPwd(), req.GetProgram()),
	}
	args = append(args, req.GetArgs()...)
	cmd := exec.CommandContext(ctx, interpreter, args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secrets),
	)
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	err = cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() == bailExitCode:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exitErr):
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
		}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("running the program: %v", err)}, nil
	}
}

// streamWriter forwards a child's output to the engine as RunPlugin messages.
type streamWriter struct {
	mu     *sync.Mutex
	stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse]
	stderr bool
}

func (w streamWriter) Write(p []byte) (int, error) {
	data := append([]byte(nil), p...)
	msg := &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: data}}
	if w.stderr {
		msg = &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: data}}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.stream.Send(msg); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (h *host) RunPlugin(
	req *pulumirpc.RunPluginRequest, stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse],
) error {
	info := req.GetInfo()
	interpreter, err := python(info)
	if err != nil {
		return err
	}
	dir := info.GetProgramDirectory()
	var args []string
	if req.GetKind() == "analyzer" {
		// The policy SDK's runner takes the engine address (in req.Args) and the pack directory.
		args = append([]string{"-u", "-m", "pulumi.policy"}, req.GetArgs()...)
		args = append(args, dir)
	} else {
		args = append([]string{"-u", entryPoint(info, dir, ".")}, req.GetArgs()...)
	}
	cmd := exec.CommandContext(stream.Context(), interpreter, args...)
	cmd.Dir = dir
	cmd.Env = os.Environ()
	if len(req.GetEnv()) > 0 {
		cmd.Env = req.GetEnv()
	}
	var mu sync.Mutex
	cmd.Stdout = streamWriter{mu: &mu, stream: stream}
	cmd.Stderr = streamWriter{mu: &mu, stream: stream, stderr: true}
	code := int32(0)
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return err
		}
		code = int32(exitErr.ExitCode())
	}
	mu.Lock()
	defer mu.Unlock()
	return stream.Send(&pulumirpc.RunPluginResponse{
		Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: code},
	})
}

func main() {
	h := &host{}
	// The engine passes its address as the last positional argument (flags may precede it).
	for _, arg := range os.Args[1:] {
		if len(arg) > 0 && arg[0] != '-' {
			h.engine = arg
		}
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(s, h)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-python: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil && !errors.Is(err, io.EOF) {
		fmt.Fprintf(os.Stderr, "pulumi-language-python: %v\n", err)
		os.Exit(1)
	}
}
