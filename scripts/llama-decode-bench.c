// llama-decode-bench: llama.cpp's own decode speed on one model, with no Java and no sampling, measured the way
// llama.cpp's llama-bench does it (the crate that carries the pinned llama.cpp ships no sources of llama-bench):
//   pp: the KV cache cleared, one llama_decode of N random tokens (one batch), logits of the last;
//   tg: the KV cache cleared, N llama_decode calls of one random token each.
// A warm-up run of each first, then R repetitions; prints the mean and standard deviation of tokens/s, one line
// per test, and a last line "RESULT pp=<t/s> tg=<t/s>" for scripts.
// Built by scripts/llama-native.sh --with-bench against the built libllama; used by scripts/bench-runtimes.sh,
// scripts/bench-contention.sh and scripts/gpu-check.sh.
//
//   llama-decode-bench -m MODEL [-p 64] [-n 32] [-t THREADS] [-ngl 0] [-r 3]
#define _POSIX_C_SOURCE 199309L // clock_gettime under -std=c11
#include "llama.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(void) {
    fprintf(stderr, "usage: llama-decode-bench -m MODEL [-p PROMPT_TOKENS] [-n GEN_TOKENS] [-t THREADS] [-ngl GPU_LAYERS] [-r REPETITIONS]\n");
    exit(2);
}

static int positive(const char *name, const char *value, int min) {
    char *end = NULL;
    long v = strtol(value, &end, 10);
    if (end == value || *end != '\0' || v < min || v > 1000000) {
        fprintf(stderr, "llama-decode-bench: %s must be an integer >= %d, was '%s'\n", name, min, value);
        exit(2);
    }
    return (int) v;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void quiet(enum ggml_log_level level, const char *text, void *user) {
    (void) user;
    if (level == GGML_LOG_LEVEL_ERROR) {
        fputs(text, stderr);
    }
}

static void check(int rc, const char *what) {
    if (rc != 0) {
        fprintf(stderr, "llama-decode-bench: llama_decode returned %d (%s)\n", rc, what);
        exit(1);
    }
}

// seconds for one test: n_prompt tokens in one batch, or n_gen tokens one by one
static double run(struct llama_context *ctx, int n_vocab, int n_tokens, int one_by_one, unsigned *seed) {
    llama_memory_clear(llama_get_memory(ctx), false);
    llama_token *tokens = malloc(sizeof(llama_token) * (size_t) n_tokens);
    for (int i = 0; i < n_tokens; i++) {
        *seed = *seed * 1103515245u + 12345u;
        tokens[i] = (llama_token) ((*seed >> 8) % (unsigned) n_vocab);
    }
    double start = now_s();
    if (one_by_one) {
        for (int i = 0; i < n_tokens; i++) {
            check(llama_decode(ctx, llama_batch_get_one(&tokens[i], 1)), "tg");
        }
    } else {
        check(llama_decode(ctx, llama_batch_get_one(tokens, n_tokens)), "pp");
    }
    llama_synchronize(ctx);
    double seconds = now_s() - start;
    free(tokens);
    return seconds;
}

static double report(const char *test, int n_tokens, int reps, const double *seconds) {
    double mean = 0, var = 0;
    for (int r = 0; r < reps; r++) mean += n_tokens / seconds[r];
    mean /= reps;
    for (int r = 0; r < reps; r++) var += (n_tokens / seconds[r] - mean) * (n_tokens / seconds[r] - mean);
    double sd = reps > 1 ? sqrt(var / (reps - 1)) : 0;
    printf("%s%d %10.2f t/s +- %.2f (%d runs)\n", test, n_tokens, mean, sd, reps);
    return mean;
}

int main(int argc, char **argv) {
    const char *model_path = NULL;
    int n_prompt = 64, n_gen = 32, threads = 4, ngl = 0, reps = 3;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) usage();
        const char *flag = argv[i], *value = argv[++i];
        if (strcmp(flag, "-m") == 0) model_path = value;
        else if (strcmp(flag, "-p") == 0) n_prompt = positive("-p", value, 1);
        else if (strcmp(flag, "-n") == 0) n_gen = positive("-n", value, 1);
        else if (strcmp(flag, "-t") == 0) threads = positive("-t", value, 1);
        else if (strcmp(flag, "-ngl") == 0) ngl = positive("-ngl", value, 0);
        else if (strcmp(flag, "-r") == 0) reps = positive("-r", value, 1);
        else usage();
    }
    if (model_path == NULL) usage();
    if (reps > 100) reps = 100;

    llama_log_set(quiet, NULL);
    llama_backend_init();
    struct llama_model_params mp = llama_model_default_params();
    mp.n_gpu_layers = ngl; // explicit: the default (-1) offloads every layer on a GPU build
    struct llama_model *model = llama_model_load_from_file(model_path, mp);
    if (model == NULL) {
        fprintf(stderr, "llama-decode-bench: could not load %s\n", model_path);
        return 1;
    }
    struct llama_context_params cp = llama_context_default_params();
    int longest = n_prompt > n_gen ? n_prompt : n_gen;
    cp.n_ctx = (uint32_t) longest + 16;
    cp.n_batch = (uint32_t) longest;
    cp.n_ubatch = (uint32_t) (longest < 512 ? longest : 512);
    cp.n_threads = threads;
    cp.n_threads_batch = threads;
    struct llama_context *ctx = llama_init_from_model(model, cp);
    if (ctx == NULL) {
        fprintf(stderr, "llama-decode-bench: could not create a context\n");
        return 1;
    }
    int n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
    char desc[256];
    llama_model_desc(model, desc, sizeof desc);
    printf("model: %s, %.2f B parameters, %.2f GiB; threads %d, GPU layers %d (GPU offload %s)\n", desc,
           llama_model_n_params(model) / 1e9, llama_model_size(model) / 1073741824.0, threads, ngl,
           llama_supports_gpu_offload() ? "supported" : "not supported");

    unsigned seed = 42;
    double seconds[100];
    run(ctx, n_vocab, n_prompt, 0, &seed); // warm-up, as llama-bench does
    for (int r = 0; r < reps; r++) seconds[r] = run(ctx, n_vocab, n_prompt, 0, &seed);
    double pp = report("pp", n_prompt, reps, seconds);
    run(ctx, n_vocab, n_gen < 4 ? n_gen : 4, 1, &seed);
    for (int r = 0; r < reps; r++) seconds[r] = run(ctx, n_vocab, n_gen, 1, &seed);
    double tg = report("tg", n_gen, reps, seconds);
    printf("RESULT pp=%.2f tg=%.2f\n", pp, tg);

    llama_free(ctx);
    llama_model_free(model);
    llama_backend_free();
    return 0;
}
