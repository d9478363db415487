/*
 * bench/c/montecarlo.c: the C reference of `npm run bench`'s Monte Carlo comparison
 * (bench/montecarlo.ts compiles it at run time with gcc -O3 -march=native -std=c99).
 *
 * A straightforward C99 implementation of what src/montecarlo does, on the same data:
 *
 * - links[((site*4 + mu)*N*N + r*N + c)*2 + {0: re, 1: im}] in doubles, a periodic L^4
 *   lattice with site = x0 + L*(x1 + L*(x2 + L*x3)) and neighbour tables;
 * - checkerboard sweeps: passes mu = 0..3, parity 0, 1, sites of the parity in increasing
 *   order;
 * - the staple A_mu(x) = sum_{nu != mu} [U_nu(x+mu) U_mu(x+nu)^+ U_nu(x)^+
 *   + (U_mu(x-nu) U_nu(x+mu-nu))^+ U_nu(x-nu)] (Gattringer & Lang, eqs. (4.19)-(4.20));
 * - SU(3): Cabibbo-Marinari heatbath over the subgroups (0,1), (0,2), (1,2) with the exact
 *   SU(2) heatbath (Creutz below alpha = 2, Kennedy-Pendleton above), and the SU(2)-subgroup
 *   overrelaxation V = (Vbar^+)^2;
 * - SU(2): links as quaternions (read from their first row), the staple A as a sum of
 *   quaternion products, the heatbath U' = X a^+ and the overrelaxation U' = a^+ U^+ a^+ with
 *   a = A/|A| (the N = 2 case of the above in closed form);
 * - random numbers: Philox4x32-10 (Salmon et al., SC11) with the counters of
 *   src/montecarlo/philox.ts (c0 = block, c1 = site, c2 = sweep, c3 = kind*2^8 + mu*2 +
 *   parity, key = seed; stream 0), uniform u = (w + 1/2) 2^-32; Marsaglia's method for the
 *   direction of the SU(2) draw.
 *
 * Every formula is evaluated in the same order as the TypeScript, and ISO C mode (-std=c99)
 * does not contract a*b + c into fma, so from the same seed the two codes walk the same
 * Markov chain: their plaquettes agree to rounding (the libm's log/cos may differ from V8's in
 * the last bit). The comparison is therefore one of the same work, not of the same
 * statistics.
 *
 * Usage:
 *   montecarlo bench L SWEEPS    link updates per second of SU(2)/SU(3) heatbath and
 *                                overrelaxation on L^4 (after 2 heatbath sweeps from cold),
 *                                as JSON
 *   montecarlo check             SU(3) at beta 6 on 8^4: plaquette after 5 compound sweeps
 *                                (1 heatbath + 4 overrelaxation each) from cold, as JSON
 *   montecarlo serve             reads commands from stdin, answers one JSON line each:
 *       field N L                        cold SU(N) field on L^4
 *       sweep N KIND BETA SEED FIRST COUNT  COUNT sweeps (KIND heatbath|overrelaxation),
 *                                        sweep numbers FIRST..; answers the seconds spent
 *       plaquette N                      <(1/N) Re tr U_P>
 *       quit
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ND 4
#define PI 3.141592653589793
/* Below this alpha Creutz's sampler is used, above it Kennedy-Pendleton's (su2Sampler.ts). */
#define CREUTZ_BELOW_ALPHA 2.0
#define KIND_HEATBATH 1

/* ---------------------------------------------------------------- lattice */

typedef struct {
  int L, volume;
  int *up, *down;  /* up[site*4 + mu] = site + mu-hat, periodic */
  int *sites[2];   /* sites of each parity, increasing */
  int nsites[2];
} Lattice;

static void *xmalloc(size_t n) {
  void *p = malloc(n);
  if (p == NULL) {
    fprintf(stderr, "montecarlo: out of memory\n");
    exit(1);
  }
  return p;
}

static void lattice_init(Lattice *lat, int L) {
  int V = L * L * L * L;
  int x[ND] = {0, 0, 0, 0};
  int stride[ND] = {1, L, L * L, L * L * L};
  lat->L = L;
  lat->volume = V;
  lat->up = xmalloc(sizeof(int) * V * ND);
  lat->down = xmalloc(sizeof(int) * V * ND);
  lat->sites[0] = xmalloc(sizeof(int) * V / 2);
  lat->sites[1] = xmalloc(sizeof(int) * V / 2);
  lat->nsites[0] = lat->nsites[1] = 0;
  for (int site = 0; site < V; site++) {
    int p = 0;
    for (int mu = 0; mu < ND; mu++) {
      p += x[mu];
      lat->up[site * ND + mu] = x[mu] == L - 1 ? site - (L - 1) * stride[mu] : site + stride[mu];
      lat->down[site * ND + mu] = x[mu] == 0 ? site + (L - 1) * stride[mu] : site - stride[mu];
    }
    lat->sites[p & 1][lat->nsites[p & 1]++] = site;
    for (int mu = 0; mu < ND; mu++) {
      if (++x[mu] < L) break;
      x[mu] = 0;
    }
  }
}

static void lattice_free(Lattice *lat) {
  free(lat->up);
  free(lat->down);
  free(lat->sites[0]);
  free(lat->sites[1]);
}

/* ---------------------------------------------------------------- Philox4x32-10 */

static void philox4x32(uint32_t out[4], uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3,
                       uint32_t k0, uint32_t k1) {
  for (int round = 0; round < 10; round++) {
    uint64_t p0 = (uint64_t)0xD2511F53u * c0;
    uint64_t p1 = (uint64_t)0xCD9E8D57u * c2;
    uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
    uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/* The random stream of one site in one update (philox.ts, SiteStream). */
typedef struct {
  uint32_t k0, k1, c1, c2, c3, block;
  uint32_t words[4];
  int used;
} Stream;

static void stream_reset(Stream *s, int site, int sweep, int kind, int mu, int parity) {
  s->c1 = (uint32_t)site;
  s->c2 = (uint32_t)sweep;
  s->c3 = (uint32_t)(kind * 256 + mu * 2 + parity);
  s->block = 0;
  s->used = 4;
}

static inline double uniform(Stream *s) {
  if (s->used == 4) {
    philox4x32(s->words, s->block, s->c1, s->c2, s->c3, s->k0, s->k1);
    s->block++;
    s->used = 0;
  }
  return (s->words[s->used++] + 0.5) * 2.3283064365386963e-10;
}

/* ---------------------------------------------------------------- N x N complex matrices */
/* Row-major, (re, im) interleaved; out never aliases an input here. The sums run in the
 * order of src/sun/su3.ts so that both codes round alike. */

static inline void mat_zero(double *out, int n) {
  for (int k = 0; k < 2 * n * n; k++) out[k] = 0.0;
}

/* out = a b */
static inline void mat_mul(double *restrict out, const double *a, const double *b, int n) {
  for (int r = 0; r < n; r++)
    for (int c = 0; c < n; c++) {
      double re = 0.0, im = 0.0;
      for (int k = 0; k < n; k++) {
        double ar = a[2 * (r * n + k)], ai = a[2 * (r * n + k) + 1];
        double br = b[2 * (k * n + c)], bi = b[2 * (k * n + c) + 1];
        re = re + ar * br - ai * bi;
        im = im + ar * bi + ai * br;
      }
      out[2 * (r * n + c)] = re;
      out[2 * (r * n + c) + 1] = im;
    }
}

/* out = a b^+ */
static inline void mat_mul_dag(double *restrict out, const double *a, const double *b, int n) {
  for (int r = 0; r < n; r++)
    for (int c = 0; c < n; c++) {
      double re = 0.0, im = 0.0;
      for (int k = 0; k < n; k++) {
        double ar = a[2 * (r * n + k)], ai = a[2 * (r * n + k) + 1];
        double br = b[2 * (c * n + k)], bi = b[2 * (c * n + k) + 1];
        re = re + ar * br + ai * bi;
        im = im - ar * bi + ai * br;
      }
      out[2 * (r * n + c)] = re;
      out[2 * (r * n + c) + 1] = im;
    }
}

/* out += a^+ b */
static inline void mat_dag_mul_add(double *restrict out, const double *a, const double *b, int n) {
  for (int r = 0; r < n; r++)
    for (int c = 0; c < n; c++) {
      double re = 0.0, im = 0.0;
      for (int k = 0; k < n; k++) {
        double ar = a[2 * (k * n + r)], ai = a[2 * (k * n + r) + 1];
        double br = b[2 * (k * n + c)], bi = b[2 * (k * n + c) + 1];
        re = re + ar * br + ai * bi;
        im = im + ar * bi - ai * br;
      }
      out[2 * (r * n + c)] += re;
      out[2 * (r * n + c) + 1] += im;
    }
}

/* out += a b^+ */
static inline void mat_mul_dag_add(double *restrict out, const double *a, const double *b, int n) {
  double t[18];
  mat_mul_dag(t, a, b, n);
  for (int k = 0; k < 2 * n * n; k++) out[k] += t[k];
}

/* ---------------------------------------------------------------- staple */

/* A = sum over nu != mu of the upper and lower staples of U_mu(x) (N x N matrices). */
static inline void staple(double *restrict A, const double *U, const Lattice *lat, int x,
                          int mu, int n) {
  const int m = 2 * n * n;
  const int *up = lat->up, *down = lat->down;
  double t[18];
  const int xmu = up[x * ND + mu];
  mat_zero(A, n);
  for (int nu = 0; nu < ND; nu++) {
    if (nu == mu) continue;
    const int xnu = up[x * ND + nu];
    const int xmnu = down[x * ND + nu];
    const int xpmu_mnu = down[xmu * ND + nu];
    /* upper: U_nu(x+mu) U_mu(x+nu)^+ U_nu(x)^+ */
    mat_mul_dag(t, U + (xmu * ND + nu) * m, U + (xnu * ND + mu) * m, n);
    mat_mul_dag_add(A, t, U + (x * ND + nu) * m, n);
    /* lower: (U_mu(x-nu) U_nu(x+mu-nu))^+ U_nu(x-nu) */
    mat_mul(t, U + (xmnu * ND + mu) * m, U + (xpmu_mnu * ND + nu) * m, n);
    mat_dag_mul_add(A, t, U + (xmnu * ND + nu) * m, n);
  }
}

/* ---------------------------------------------------------------- SU(2) pieces */
/* Quaternion q = (a0, a1, a2, a3) <-> V = [[a0 + i a3, a2 + i a1], [-a2 + i a1, a0 - i a3]]. */

/* The SU(2)-projected quaternion of the (i, j) block of w (unnormalised; length k). */
static inline void extract_su2(double q[4], const double *w, int n, int i, int j) {
  const double *ii = w + 2 * (i * n + i), *ij = w + 2 * (i * n + j);
  const double *ji = w + 2 * (j * n + i), *jj = w + 2 * (j * n + j);
  q[0] = 0.5 * (ii[0] + jj[0]);
  q[1] = 0.5 * (ij[1] + ji[1]);
  q[2] = 0.5 * (ij[0] - ji[0]);
  q[3] = 0.5 * (ii[1] - jj[1]);
}

/* r = p q */
static inline void quaternion_mul(double r[4], const double p[4], const double q[4]) {
  double r0 = p[0] * q[0] - p[1] * q[1] - p[2] * q[2] - p[3] * q[3];
  double r1 = p[0] * q[1] + q[0] * p[1] - (p[2] * q[3] - p[3] * q[2]);
  double r2 = p[0] * q[2] + q[0] * p[2] - (p[3] * q[1] - p[1] * q[3]);
  double r3 = p[0] * q[3] + q[0] * p[3] - (p[1] * q[2] - p[2] * q[1]);
  r[0] = r0;
  r[1] = r1;
  r[2] = r2;
  r[3] = r3;
}

/* rows i, j of w <- V_ij(q) w */
static inline void su2_left(double *w, const double q[4], int n, int i, int j) {
  for (int c = 0; c < n; c++) {
    double *pi = w + 2 * (i * n + c), *pj = w + 2 * (j * n + c);
    double xr = pi[0], xi = pi[1], yr = pj[0], yi = pj[1];
    pi[0] = q[0] * xr - q[3] * xi + q[2] * yr - q[1] * yi;
    pi[1] = q[0] * xi + q[3] * xr + q[2] * yi + q[1] * yr;
    pj[0] = -q[2] * xr - q[1] * xi + q[0] * yr + q[3] * yi;
    pj[1] = -q[2] * xi + q[1] * xr + q[0] * yi - q[3] * yr;
  }
}

/* The 2x2 matrix of a quaternion. */
static inline void su2_embed(double *u, const double q[4]) {
  u[0] = q[0];
  u[1] = q[3];
  u[2] = q[2];
  u[3] = q[1];
  u[4] = -q[2];
  u[5] = q[1];
  u[6] = q[0];
  u[7] = -q[3];
}

/* x0 with density sqrt(1 - x0^2) exp(alpha x0) on [-1, 1] (su2Sampler.ts). */
static double sample_x0(double alpha, Stream *s) {
  if (alpha < CREUTZ_BELOW_ALPHA) {
    if (alpha < 1e-8) {
      for (;;) {
        double x0 = 2.0 * uniform(s) - 1.0;
        if (uniform(s) <= sqrt(1.0 - x0 * x0)) return x0;
      }
    }
    /* Creutz */
    double e = exp(-2.0 * alpha);
    for (;;) {
      double x0 = 1.0 + log(e + (1.0 - e) * uniform(s)) / alpha;
      if (uniform(s) <= sqrt(fmax(0.0, 1.0 - x0 * x0))) return x0;
    }
  }
  /* Kennedy-Pendleton */
  for (;;) {
    double c = cos(2.0 * PI * uniform(s));
    double lambda2 = -(log(uniform(s)) + c * c * log(uniform(s))) / (2.0 * alpha);
    double r = uniform(s);
    if (r * r <= 1.0 - lambda2) return 1.0 - 2.0 * lambda2;
  }
}

/* A quaternion drawn from exp(alpha x0) dX; the direction by Marsaglia's method. */
static void sample_su2(double q[4], double alpha, Stream *s) {
  double x0 = sample_x0(alpha, s);
  double r = sqrt(fmax(0.0, 1.0 - x0 * x0));
  double v1, v2, t;
  do {
    v1 = 2.0 * uniform(s) - 1.0;
    v2 = 2.0 * uniform(s) - 1.0;
    t = v1 * v1 + v2 * v2;
  } while (t >= 1.0);
  double f = 2.0 * r * sqrt(1.0 - t);
  q[0] = x0;
  q[1] = f * v1;
  q[2] = f * v2;
  q[3] = r * (1.0 - 2.0 * t);
}

/* ---------------------------------------------------------------- link updates */

static const int PAIRS3[3][2] = {{0, 1}, {0, 2}, {1, 2}};

/* SU(3): Cabibbo-Marinari heatbath of U with staple A. */
static void heatbath_su3(double *U, const double *A, double beta, Stream *s) {
  double W[18], a[4], x[4], v[4], b[4];
  const double coupling = 2.0 * beta / 3.0;
  mat_mul(W, U, A, 3);
  for (int p = 0; p < 3; p++) {
    const int i = PAIRS3[p][0], j = PAIRS3[p][1];
    extract_su2(a, W, 3, i, j);
    double k = sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2] + a[3] * a[3]);
    sample_su2(x, coupling * k, s);
    if (k > 1e-300) {
      double inv = 1.0 / k;
      b[0] = a[0] * inv;
      b[1] = -a[1] * inv;
      b[2] = -a[2] * inv;
      b[3] = -a[3] * inv;
      quaternion_mul(v, x, b);
    } else {
      memcpy(v, x, sizeof v);
    }
    su2_left(U, v, 3, i, j);
    if (p < 2) su2_left(W, v, 3, i, j);
  }
}

/* SU(3): overrelaxation V = (Vbar^+)^2 in each subgroup. */
static void overrelax_su3(double *U, const double *A) {
  double W[18], a[4], b[4], v[4];
  mat_mul(W, U, A, 3);
  for (int p = 0; p < 3; p++) {
    const int i = PAIRS3[p][0], j = PAIRS3[p][1];
    extract_su2(a, W, 3, i, j);
    double k = sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2] + a[3] * a[3]);
    if (k < 1e-300) continue;
    double inv = 1.0 / k;
    b[0] = a[0] * inv;
    b[1] = -a[1] * inv;
    b[2] = -a[2] * inv;
    b[3] = -a[3] * inv;
    quaternion_mul(v, b, b);
    su2_left(U, v, 3, i, j);
    if (p < 2) su2_left(W, v, 3, i, j);
  }
}

/* SU(2) staple as a quaternion: links read from their first row (u0, u3, u2, u1). */
static inline void staple_su2(double a[4], const double *U, const Lattice *lat, int x, int mu) {
  const int *up = lat->up, *down = lat->down;
  const int xmu = up[x * ND + mu];
  double p[4], q[4], t[4], w[4], r[4];
  a[0] = a[1] = a[2] = a[3] = 0.0;
  for (int nu = 0; nu < ND; nu++) {
    if (nu == mu) continue;
    const int xnu = up[x * ND + nu];
    const int xmnu = down[x * ND + nu];
    const int xpmu_mnu = down[xmu * ND + nu];
    /* upper: U_nu(x+mu) U_mu(x+nu)^+ U_nu(x)^+ */
    const double *P = U + (xmu * ND + nu) * 8, *Q = U + (xnu * ND + mu) * 8;
    const double *W = U + (x * ND + nu) * 8;
    p[0] = P[0], p[1] = P[3], p[2] = P[2], p[3] = P[1];
    q[0] = Q[0], q[1] = -Q[3], q[2] = -Q[2], q[3] = -Q[1];
    quaternion_mul(t, p, q);
    w[0] = W[0], w[1] = -W[3], w[2] = -W[2], w[3] = -W[1];
    quaternion_mul(r, t, w);
    for (int k = 0; k < 4; k++) a[k] += r[k];
    /* lower: U_nu(x+mu-nu)^+ U_mu(x-nu)^+ U_nu(x-nu) */
    P = U + (xpmu_mnu * ND + nu) * 8, Q = U + (xmnu * ND + mu) * 8;
    W = U + (xmnu * ND + nu) * 8;
    p[0] = P[0], p[1] = -P[3], p[2] = -P[2], p[3] = -P[1];
    q[0] = Q[0], q[1] = -Q[3], q[2] = -Q[2], q[3] = -Q[1];
    quaternion_mul(t, p, q);
    w[0] = W[0], w[1] = W[3], w[2] = W[2], w[3] = W[1];
    quaternion_mul(r, t, w);
    for (int k = 0; k < 4; k++) a[k] += r[k];
  }
}

/* SU(2): U' = X a^+ / |a| with X from exp((2 beta |a| / 2) x0) dX, a the staple. */
static void heatbath_su2(double *U, const double a[4], double beta, Stream *s) {
  double x[4], b[4], v[4];
  double k = sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2] + a[3] * a[3]);
  sample_su2(x, beta * k, s);
  if (k > 1e-300) {
    double inv = 1.0 / k;
    b[0] = a[0] * inv;
    b[1] = -a[1] * inv;
    b[2] = -a[2] * inv;
    b[3] = -a[3] * inv;
    quaternion_mul(v, x, b);
  } else {
    memcpy(v, x, sizeof v);
  }
  su2_embed(U, v);
}

/* SU(2): U' = b U^+ b with b = a^+ / |a|, a the staple. */
static void overrelax_su2(double *U, const double a[4]) {
  double u[4], b[4], t[4], v[4];
  double k = sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2] + a[3] * a[3]);
  if (k < 1e-300) return;
  double inv = 1.0 / k;
  b[0] = a[0] * inv;
  b[1] = -a[1] * inv;
  b[2] = -a[2] * inv;
  b[3] = -a[3] * inv;
  u[0] = U[0];
  u[1] = -U[3];
  u[2] = -U[2];
  u[3] = -U[1];
  quaternion_mul(t, b, u);
  quaternion_mul(v, t, b);
  su2_embed(U, v);
}

/* ---------------------------------------------------------------- sweeps */

typedef struct {
  int N;
  Lattice lat;
  double *links;
} Field;

static void field_cold(Field *f, int N, int L) {
  lattice_init(&f->lat, L);
  f->N = N;
  size_t count = (size_t)f->lat.volume * ND * 2 * N * N;
  f->links = xmalloc(sizeof(double) * count);
  memset(f->links, 0, sizeof(double) * count);
  for (size_t l = 0; l < (size_t)f->lat.volume * ND; l++)
    for (int r = 0; r < N; r++) f->links[l * 2 * N * N + 2 * (r * N + r)] = 1.0;
}

static void field_free(Field *f) {
  lattice_free(&f->lat);
  free(f->links);
  f->links = NULL;
}

/* One checkerboard sweep. The N = 2 and N = 3 loops are written out so that the compiler
 * sees a constant N in every kernel. */
static void sweep(Field *f, int heatbath, double beta, uint64_t seed, int sweep_index) {
  Stream s;
  double A[18];
  s.k0 = (uint32_t)seed;
  s.k1 = (uint32_t)(seed >> 32);
  const int m = 2 * f->N * f->N;
  for (int mu = 0; mu < ND; mu++)
    for (int parity = 0; parity < 2; parity++) {
      const int *sites = f->lat.sites[parity];
      const int count = f->lat.nsites[parity];
      for (int q = 0; q < count; q++) {
        const int x = sites[q];
        double *U = f->links + (x * ND + mu) * m;
        if (f->N == 3) {
          staple(A, f->links, &f->lat, x, mu, 3);
          if (heatbath) {
            stream_reset(&s, x, sweep_index, KIND_HEATBATH, mu, parity);
            heatbath_su3(U, A, beta, &s);
          } else {
            overrelax_su3(U, A);
          }
        } else {
          staple_su2(A, f->links, &f->lat, x, mu);
          if (heatbath) {
            stream_reset(&s, x, sweep_index, KIND_HEATBATH, mu, parity);
            heatbath_su2(U, A, beta, &s);
          } else {
            overrelax_su2(U, A);
          }
        }
      }
    }
}

/* <(1/N) Re tr U_mu(x) U_nu(x+mu) U_mu(x+nu)^+ U_nu(x)^+> over sites and planes mu < nu. */
static double plaquette(const Field *f) {
  const int n = f->N, m = 2 * n * n;
  double a[18], b[18];
  double sum = 0.0;
  for (int x = 0; x < f->lat.volume; x++)
    for (int mu = 0; mu < ND; mu++)
      for (int nu = mu + 1; nu < ND; nu++) {
        mat_mul(a, f->links + (x * ND + mu) * m,
                f->links + (f->lat.up[x * ND + mu] * ND + nu) * m, n);
        mat_mul(b, f->links + (x * ND + nu) * m,
                f->links + (f->lat.up[x * ND + nu] * ND + mu) * m, n);
        for (int k = 0; k < m; k++) sum += a[k] * b[k]; /* Re tr(a b^+) */
      }
  return sum / ((double)n * f->lat.volume * 6);
}

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

/* ---------------------------------------------------------------- modes */

static int mode_bench(int L, int sweeps) {
  const int Ns[2] = {2, 3};
  const double betas[2] = {2.3, 6.0};
  printf("{\"L\":%d,\"rng\":\"philox4x32-10\",\"thermalization\":2,\"sweeps\":%d,\"results\":[", L,
         sweeps);
  for (int g = 0; g < 2; g++) {
    Field f;
    field_cold(&f, Ns[g], L);
    int index = 0;
    for (int t = 0; t < 2; t++) sweep(&f, 1, betas[g], 1, index++);
    for (int heatbath = 1; heatbath >= 0; heatbath--) {
      double t0 = now_seconds();
      for (int k = 0; k < sweeps; k++) sweep(&f, heatbath, betas[g], 1, index++);
      double dt = now_seconds() - t0;
      printf("%s{\"N\":%d,\"kind\":\"%s\",\"beta\":%g,\"linkUpdatesPerSecond\":%.6g,"
             "\"secondsPerSweep\":%.6g,\"plaquette\":%.15g}",
             g == 0 && heatbath == 1 ? "" : ",", Ns[g], heatbath ? "heatbath" : "overrelaxation",
             betas[g], (double)sweeps * ND * f.lat.volume / dt, dt / sweeps, plaquette(&f));
    }
    field_free(&f);
  }
  printf("]}\n");
  return 0;
}

static int mode_check(void) {
  Field f;
  field_cold(&f, 3, 8);
  int index = 0;
  for (int k = 0; k < 5; k++) {
    sweep(&f, 1, 6.0, 1, index);
    for (int o = 0; o < 4; o++) sweep(&f, 0, 6.0, 1, index);
    index++;
  }
  printf("{\"N\":3,\"L\":8,\"beta\":6,\"compoundSweeps\":5,\"plaquette\":%.15g}\n", plaquette(&f));
  field_free(&f);
  return 0;
}

static int mode_serve(void) {
  Field fields[4];
  int have[4] = {0, 0, 0, 0};
  char line[256];
  while (fgets(line, sizeof line, stdin) != NULL) {
    char cmd[32], kind[32];
    int N, L, first, count;
    double beta;
    unsigned long long seed;
    if (sscanf(line, "%31s", cmd) != 1) continue;
    if (strcmp(cmd, "quit") == 0) break;
    if (strcmp(cmd, "field") == 0 && sscanf(line, "%*s %d %d", &N, &L) == 2 && (N == 2 || N == 3)) {
      if (have[N]) field_free(&fields[N]);
      field_cold(&fields[N], N, L);
      have[N] = 1;
      printf("{\"ok\":true}\n");
    } else if (strcmp(cmd, "sweep") == 0 &&
               sscanf(line, "%*s %d %31s %lf %llu %d %d", &N, kind, &beta, &seed, &first,
                      &count) == 6 &&
               (N == 2 || N == 3) && have[N]) {
      int heatbath = strcmp(kind, "heatbath") == 0;
      double t0 = now_seconds();
      for (int k = 0; k < count; k++) sweep(&fields[N], heatbath, beta, seed, first + k);
      printf("{\"seconds\":%.9g}\n", now_seconds() - t0);
    } else if (strcmp(cmd, "plaquette") == 0 && sscanf(line, "%*s %d", &N) == 1 &&
               (N == 2 || N == 3) && have[N]) {
      printf("{\"plaquette\":%.17g}\n", plaquette(&fields[N]));
    } else {
      printf("{\"error\":\"bad command\"}\n");
    }
    fflush(stdout);
  }
  for (int n = 2; n <= 3; n++)
    if (have[n]) field_free(&fields[n]);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "bench") == 0) {
    int L = argc >= 3 ? atoi(argv[2]) : 16;
    int sweeps = argc >= 4 ? atoi(argv[3]) : 3;
    if (L < 2 || L % 2 != 0 || sweeps < 1) {
      fprintf(stderr, "montecarlo: bench L SWEEPS needs an even L >= 2 and SWEEPS >= 1\n");
      return 2;
    }
    return mode_bench(L, sweeps);
  }
  if (argc >= 2 && strcmp(argv[1], "check") == 0) return mode_check();
  if (argc >= 2 && strcmp(argv[1], "serve") == 0) return mode_serve();
  fprintf(stderr, "usage: montecarlo bench L SWEEPS | check | serve\n");
  return 2;
}
