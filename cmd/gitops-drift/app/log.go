package app

import (
	"fmt"
	"io"
	"os"

	"github.com/go-logr/logr"
	"github.com/spf13/pflag"
	"go.uber.org/zap/zapcore"
	"golang.org/x/term"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
)

// LogOptions configure the logger. Logs go to stderr; reports to stdout.
type LogOptions struct {
	// Level is debug, info, warn or error. Defaults to info.
	Level string
	// Format is json, text or auto (text on a terminal, json otherwise). Defaults to auto.
	Format string
}

// BindFlags registers the logging flags on fs.
func (o *LogOptions) BindFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Level, "log-level", o.Level, "log level: debug, info, warn or error")
	fs.StringVar(&o.Format, "log-format", o.Format, "log format: json, text, or auto (text on a terminal, else json)")
}

// Validate reports a bad level or format.
func (o *LogOptions) Validate() error {
	if _, err := zapcore.ParseLevel(o.Level); err != nil {
		return fmt.Errorf("--log-level %q: want debug, info, warn or error", o.Level)
	}
	switch o.Format {
	case "json", "text", "auto":
		return nil
	}
	return fmt.Errorf("--log-format %q: want json, text or auto", o.Format)
}

// Logger builds the logger the options describe, writing to w.
func (o *LogOptions) Logger(w io.Writer) logr.Logger {
	level, _ := zapcore.ParseLevel(o.Level)
	text := o.Format == "text"
	if o.Format == "auto" {
		f, ok := w.(*os.File)
		text = ok && term.IsTerminal(int(f.Fd()))
	}
	return zap.New(zap.WriteTo(w), zap.UseDevMode(text), zap.Level(level))
}
