// SPDX-License-Identifier: MIT
// Runs a replay with its report (stdout) captured into a buffer, so tests can
// check what it says about a mismatch.
#pragma once
#include <mk/pagerlib.h>
#include <stdio.h>
#include <unistd.h>

// mkp_replay_named(path, name, handler, NULL, setup, 1) with stdout in out
// (NUL-terminated, truncated to len); returns its result.
static int replay_captured_setup(const char *path, const char *name, mkp_handler_fn handler,
                                 void (*setup)(struct mkp_pager *), char *out, size_t len)
{
        FILE *tmp = tmpfile();
        fflush(stdout);
        int saved = dup(1);
        dup2(fileno(tmp), 1);
        int r = mkp_replay_named(path, name, handler, NULL, setup, 1);
        fflush(stdout);
        dup2(saved, 1);
        close(saved);
        rewind(tmp);
        size_t n = fread(out, 1, len - 1, tmp);
        out[n] = '\0';
        fclose(tmp);
        return r;
}

static inline int replay_captured(const char *path, mkp_handler_fn handler,
                                  void (*setup)(struct mkp_pager *), char *out, size_t len)
{
        return replay_captured_setup(path, NULL, handler, setup, out, len);
}

static inline int replay_captured_named(const char *path, const char *name, mkp_handler_fn handler,
                                        char *out, size_t len)
{
        return replay_captured_setup(path, name, handler, NULL, out, len);
}
