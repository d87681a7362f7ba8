/* Parser for docs/plan-format.md. Pure: no syscalls, so it can be fuzzed.
 * Every read is preceded by a length check against what is left. */
#include "plan.h"

#include <stdalign.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct block {
  struct block *next;
  alignas(max_align_t) unsigned char data[];
};

static void *arena_alloc(struct plan *p, size_t n) {
  struct block *b = calloc(1, sizeof(*b) + n);
  if (b == NULL)
    return NULL;
  b->next = p->arena;
  p->arena = b;
  return b->data;
}

void plan_free(struct plan *p) {
  /* The nested plans live in their own arenas, reached through ours. */
  for (uint32_t i = 0; i < p->n_proxies; i++)
    plan_free(p->proxies[i].plan);
  p->n_proxies = 0;
  struct block *b = p->arena;
  while (b != NULL) {
    struct block *next = b->next;
    free(b);
    b = next;
  }
  p->arena = NULL;
}

const char *plan_path_problem(const char *s, size_t n) {
  if (n == 0)
    return "is empty";
  if (n >= PLAN_MAX_PATH)
    return "is 4096 bytes or longer";
  if (memchr(s, '\0', n) != NULL)
    return "contains a NUL byte";
  if (s[0] != '/')
    return "is not absolute";
  if (n == 1)
    return NULL;
  if (s[n - 1] == '/')
    return "ends with '/'";
  size_t start = 1;
  for (size_t i = 1; i <= n; i++) {
    if (i < n && s[i] != '/')
      continue;
    size_t len = i - start;
    if (len == 0)
      return "contains '//'";
    if ((len == 1 && s[start] == '.') || (len == 2 && s[start] == '.' && s[start + 1] == '.'))
      return "contains a '.' or '..' component";
    start = i + 1;
  }
  return NULL;
}

struct reader {
  const unsigned char *p;
  size_t left;
};

struct parser {
  struct plan *plan;
  bool nested;        /* a PROXY's plan */
  struct sbuf err;    /* over the caller's hsu_error */
  struct reader rest; /* the plan after the current record */
  uint32_t record;    /* 0 outside records */
  uint32_t tag;
  uint64_t seen; /* bit i: a record of records[i] was read */
  bool have_end;
};

static bool fail(struct parser *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct parser *c, const char *fmt, ...) {
  if (c->record > 0) {
    const char *name = plan_tag_name(c->tag);
    if (name != NULL)
      sb_printf(&c->err, "record %u (%s): ", c->record, name);
    else
      sb_printf(&c->err, "record %u: ", c->record);
  }
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(&c->err, fmt, ap);
  va_end(ap);
  return false;
}

/* fail, then s quoted (at most max_in bytes of it), then after. */
static bool fail_quoted(struct parser *c, const char *s, size_t max_in, const char *after,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static bool fail_quoted(struct parser *c, const char *s, size_t max_in, const char *after,
                        const char *fmt, ...) {
  char before[160];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(before, sizeof(before), fmt, ap);
  va_end(ap);
  fail(c, "%s", before);
  sb_quote(&c->err, s, strlen(s), max_in);
  sb_printf(&c->err, "%s", after);
  return false;
}

static bool need(struct parser *c, struct reader *r, size_t n, const char *field) {
  if (r->left < n)
    return fail(c, "%s is truncated: needs %zu bytes, %zu left", field, n, r->left);
  return true;
}

static uint32_t le32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool get_u32(struct parser *c, struct reader *r, const char *field, uint32_t *out) {
  if (!need(c, r, 4, field))
    return false;
  *out = le32(r->p);
  r->p += 4;
  r->left -= 4;
  return true;
}

static bool get_u64(struct parser *c, struct reader *r, const char *field, uint64_t *out) {
  if (!need(c, r, 8, field))
    return false;
  *out = (uint64_t)le32(r->p) | (uint64_t)le32(r->p + 4) << 32;
  r->p += 8;
  r->left -= 8;
  return true;
}

/* Length-prefixed raw bytes, not copied. */
static bool get_raw(struct parser *c, struct reader *r, const char *field, uint32_t max,
                    const unsigned char **data, uint32_t *n) {
  if (!get_u32(c, r, field, n))
    return false;
  if (*n > max)
    return fail(c, "%s is %u bytes long, at most %u are allowed", field, *n, max);
  if (*n > r->left)
    return fail(c, "%s is truncated: needs %u bytes, %zu left", field, *n, r->left);
  *data = r->p;
  r->p += *n;
  r->left -= *n;
  return true;
}

static char *dup_str(struct parser *c, const unsigned char *data, uint32_t n) {
  char *s = arena_alloc(c->plan, (size_t)n + 1);
  if (s == NULL) {
    fail(c, "out of memory");
    return NULL;
  }
  memcpy(s, data, n);
  s[n] = '\0';
  return s;
}

static bool get_str(struct parser *c, struct reader *r, const char *field, char **out) {
  const unsigned char *data = NULL;
  uint32_t n = 0;
  if (!get_raw(c, r, field, PLAN_MAX_STR, &data, &n))
    return false;
  if (memchr(data, '\0', n) != NULL)
    return fail(c, "%s contains a NUL byte", field);
  return (*out = dup_str(c, data, n)) != NULL;
}

static bool check_path(struct parser *c, const char *field, const char *s) {
  const char *problem = plan_path_problem(s, strlen(s));
  if (problem == NULL)
    return true;
  char after[64];
  snprintf(after, sizeof(after), " %s", problem);
  return fail_quoted(c, s, 200, after, "%s path ", field);
}

static bool get_path(struct parser *c, struct reader *r, const char *field, char **out) {
  return get_str(c, r, field, out) && check_path(c, field, *out);
}

/* A path or the empty string (returned as NULL). */
static bool get_opt_path(struct parser *c, struct reader *r, const char *field, char **out) {
  if (!get_str(c, r, field, out))
    return false;
  if (**out == '\0') {
    *out = NULL;
    return true;
  }
  return check_path(c, field, *out);
}

static bool check_name(struct parser *c, const char *field, const char *s) {
  size_t n = strlen(s);
  const char *problem = NULL;
  if (n == 0)
    problem = "is empty";
  else if (n > PLAN_MAX_NAME)
    problem = "is longer than 255 bytes";
  else if (strchr(s, '/') != NULL)
    problem = "contains '/'";
  else if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
    problem = "is '.' or '..'";
  if (problem == NULL)
    return true;
  char after[64];
  snprintf(after, sizeof(after), " %s", problem);
  return fail_quoted(c, s, 200, after, "%s name ", field);
}

enum elem { ELEM_STR, ELEM_PATH, ELEM_NAME };

static bool get_list(struct parser *c, struct reader *r, const char *field, enum elem kind,
                     struct strs *out) {
  uint32_t count;
  if (!get_u32(c, r, field, &count))
    return false;
  if (count > PLAN_MAX_LIST)
    return fail(c, "%s has %u entries, at most %u are allowed", field, count, PLAN_MAX_LIST);
  /* Each entry needs at least its 4-byte length: refuse before allocating. */
  if ((size_t)count * 4 > r->left)
    return fail(c, "%s is truncated: %u entries need at least %zu bytes, %zu left", field, count,
                (size_t)count * 4, r->left);
  out->n = count;
  out->v = arena_alloc(c->plan, ((size_t)count + 1) * sizeof(char *));
  if (out->v == NULL)
    return fail(c, "out of memory");
  char elem_field[96];
  for (uint32_t i = 0; i < count; i++) {
    snprintf(elem_field, sizeof(elem_field), "%s[%u]", field, i);
    if (!get_str(c, r, elem_field, &out->v[i]))
      return false;
    if (kind == ELEM_PATH && !check_path(c, elem_field, out->v[i]))
      return false;
    if (kind == ELEM_NAME && !check_name(c, elem_field, out->v[i]))
      return false;
  }
  out->v[count] = NULL;
  return true;
}

static bool check_flags(struct parser *c, const char *field, uint32_t flags, uint32_t known) {
  if ((flags & ~known) != 0)
    return fail(c, "%s 0x%x has unknown bits 0x%x", field, flags, flags & ~known);
  return true;
}

static bool check_mode(struct parser *c, uint32_t mode) {
  if (mode > 07777)
    return fail(c, "mode 0%o is larger than 07777", mode);
  return true;
}

static bool check_env(struct parser *c, const char *field, const struct strs *env) {
  for (uint32_t i = 0; i < env->n; i++) {
    const char *eq = strchr(env->v[i], '=');
    if (eq == NULL || eq == env->v[i])
      return fail_quoted(c, env->v[i], 200, " is not of the form NAME=value", "%s[%u] ", field, i);
  }
  return true;
}

static bool parse_params(struct parser *c, struct reader *r) {
  struct plan *p = c->plan;
  if (!get_u32(c, r, "uid", &p->uid) || !get_u32(c, r, "gid", &p->gid) ||
      !get_u32(c, r, "flags", &p->flags))
    return false;
  if (p->uid > PLAN_MAX_ID)
    return fail(c, "uid %u is larger than %u", p->uid, PLAN_MAX_ID);
  if (p->gid > PLAN_MAX_ID)
    return fail(c, "gid %u is larger than %u", p->gid, PLAN_MAX_ID);
  if (!check_flags(c, "flags", p->flags,
                   PARAMS_HOST_NET | PARAMS_KEEP_SESSION | PARAMS_DIE_WITH_PARENT))
    return false;
  /* A helper dies with the supervisor anyway (its own parent-death signal). */
  if (c->nested && (p->flags & PARAMS_DIE_WITH_PARENT) != 0)
    return fail(c, "a nested plan cannot have DIE_WITH_PARENT");
  if (!get_str(c, r, "hostname", &p->hostname))
    return false;
  if (strlen(p->hostname) > PLAN_MAX_HOSTNAME)
    return fail(c, "hostname is longer than %u bytes", PLAN_MAX_HOSTNAME);
  if (!get_path(c, r, "cwd", &p->cwd) || !get_list(c, r, "argv", ELEM_STR, &p->argv) ||
      !get_list(c, r, "env", ELEM_STR, &p->env) ||
      !get_u64(c, r, "wait_delay_ms", &p->wait_delay_ms))
    return false;
  if (p->argv.n == 0)
    return fail(c, "argv is empty");
  if (p->argv.v[0][0] == '\0')
    return fail(c, "argv[0] is empty");
  return check_env(c, "env", &p->env);
}

/* A count followed by at least min_size bytes per entry: refuse before allocating. */
static bool get_count(struct parser *c, struct reader *r, const char *field, uint32_t max,
                      size_t min_size, uint32_t *out) {
  if (!get_u32(c, r, field, out))
    return false;
  if (*out > max)
    return fail(c, "%s is %u, at most %u are allowed", field, *out, max);
  if ((size_t)*out * min_size > r->left)
    return fail(c, "%s is truncated: %u entries need at least %zu bytes, %zu left", field, *out,
                (size_t)*out * min_size, r->left);
  return true;
}

static bool parse_seccomp(struct parser *c, struct reader *r) {
  struct seccomp_rules *s = &c->plan->seccomp;
  if (!get_u32(c, r, "presets", &s->presets) ||
      !check_flags(c, "presets", s->presets, SECCOMP_PRESETS) ||
      !get_u32(c, r, "relax", &s->relax) || !check_flags(c, "relax", s->relax, SECCOMP_RELAX) ||
      !get_count(c, r, "family_count", PLAN_MAX_LIST, 4, &s->n_families))
    return false;
  s->families = arena_alloc(c->plan, ((size_t)s->n_families + 1) * sizeof(uint32_t));
  if (s->families == NULL)
    return fail(c, "out of memory");
  for (uint32_t i = 0; i < s->n_families; i++) {
    if (!get_u32(c, r, "family", &s->families[i]))
      return false;
    if (s->families[i] < 1 || s->families[i] > SECCOMP_MAX_FAMILY)
      return fail(c, "socket family %u is not in 1..%u", s->families[i], SECCOMP_MAX_FAMILY);
  }
  if (!get_count(c, r, "deny_count", SECCOMP_MAX_DENY, 8, &s->n_deny))
    return false;
  s->deny = arena_alloc(c->plan, ((size_t)s->n_deny + 1) * sizeof(*s->deny));
  if (s->deny == NULL)
    return fail(c, "out of memory");
  for (uint32_t i = 0; i < s->n_deny; i++) {
    char *name;
    if (!get_str(c, r, "syscall name", &name))
      return false;
    size_t n = strlen(name);
    bool valid = n >= 1 && n <= SECCOMP_MAX_NAME &&
                 strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
    if (!valid)
      return fail_quoted(c, name, 80, " is not [a-z0-9_]{1,64}", "syscall name ");
    s->deny[i].name = name;
    if (!get_u32(c, r, "errno", &s->deny[i].err))
      return false;
    if (s->deny[i].err < 1 || s->deny[i].err > 4095)
      return fail(c, "errno %u is not in 1..4095", s->deny[i].err);
  }
  s->present = true;
  return true;
}

static bool parse_landlock(struct parser *c, struct reader *r) {
  struct landlock_rules *l = &c->plan->landlock;
  if (!get_u32(c, r, "flags", &l->flags) || !check_flags(c, "flags", l->flags, LANDLOCK_FLAGS) ||
      !get_count(c, r, "fs_count", LANDLOCK_MAX_FS, 12, &l->n_fs))
    return false;
  if (l->n_fs > 0 && (l->flags & LANDLOCK_PLAN_FS) == 0)
    return fail(c, "fs rules need the FS flag");
  l->fs = arena_alloc(c->plan, ((size_t)l->n_fs + 1) * sizeof(*l->fs));
  if (l->fs == NULL)
    return fail(c, "out of memory");
  for (uint32_t i = 0; i < l->n_fs; i++) {
    if (!get_path(c, r, "fs rule", &l->fs[i].path) || !get_u64(c, r, "fs access", &l->fs[i].access))
      return false;
    if ((l->fs[i].access & ~LANDLOCK_FS_ACCESS) != 0)
      return fail(c, "fs access 0x%llx has unknown bits", (unsigned long long)l->fs[i].access);
  }
  if (!get_count(c, r, "net_count", LANDLOCK_MAX_NET, 12, &l->n_net))
    return false;
  if (l->n_net > 0 && (l->flags & LANDLOCK_PLAN_NET) == 0)
    return fail(c, "net rules need the NET flag");
  l->net = arena_alloc(c->plan, ((size_t)l->n_net + 1) * sizeof(*l->net));
  if (l->net == NULL)
    return fail(c, "out of memory");
  for (uint32_t i = 0; i < l->n_net; i++) {
    if (!get_u32(c, r, "port", &l->net[i].port) || !get_u64(c, r, "net access", &l->net[i].access))
      return false;
    if (l->net[i].port > 65535)
      return fail(c, "port %u is larger than 65535", l->net[i].port);
    if ((l->net[i].access & ~LANDLOCK_NET_ACCESS) != 0)
      return fail(c, "net access 0x%llx has unknown bits", (unsigned long long)l->net[i].access);
  }
  l->present = true;
  return true;
}

static bool parse_instance(struct parser *c, struct reader *r) {
  struct instance *in = &c->plan->instance;
  if (!get_str(c, r, "instance_id", &in->id))
    return false;
  size_t n = strlen(in->id);
  if (n != INSTANCE_ID_LEN || strspn(in->id, "0123456789abcdef") != n)
    return fail_quoted(c, in->id, 80, " is not 16 lowercase hex digits", "instance_id ");
  if (!get_path(c, r, "dir", &in->dir))
    return false;
  /* The Java side finds stale instance dirs by their name. */
  if (strcmp(strrchr(in->dir, '/') + 1, in->id) != 0)
    return fail_quoted(c, in->dir, 200, " does not end with the instance_id", "dir path ");
  if (!get_str(c, r, "app_id", &in->app_id) || !get_str(c, r, "name", &in->name) ||
      !get_str(c, r, "profile", &in->profile) || !get_u32(c, r, "grants", &in->grants) ||
      !check_flags(c, "grants", in->grants, INSTANCE_GRANTS))
    return false;
  size_t a = strlen(in->app_id);
  if (a == 0 || a > INSTANCE_MAX_APP_ID)
    return fail(c, "app_id is %zu bytes long, it must be 1..%u", a, INSTANCE_MAX_APP_ID);
  for (size_t i = 0; i < a; i++) {
    unsigned char ch = (unsigned char)in->app_id[i];
    if (ch < 0x20 || ch == 0x7F)
      return fail(c, "app_id contains a control character");
  }
  const char *problem = plan_path_problem(in->profile, strlen(in->profile));
  if (in->profile[0] != '\0' && problem != NULL) {
    char after[64];
    snprintf(after, sizeof(after), " %s", problem);
    return fail_quoted(c, in->profile, 200, after, "profile path ");
  }
  in->present = true;
  return true;
}

/* A path directly inside the instance dir: hsu-init removes that dir, and
 * what is in it, when the sandbox ends. */
static bool check_in_instance_dir(struct parser *c, const char *field, const char *path) {
  const char *dir = c->plan->instance.dir;
  size_t d = strlen(dir);
  if (strncmp(path, dir, d) != 0 || path[d] != '/' || strchr(path + d + 1, '/') != NULL)
    return fail_quoted(c, path, 200, " is not directly inside the instance dir", "%s path ", field);
  return true;
}

static bool parse_wayland(struct parser *c, struct reader *r) {
  struct wayland *w = &c->plan->wayland;
  if (!get_u32(c, r, "flags", &w->flags) || !check_flags(c, "flags", w->flags, WAYLAND_DIRECT) ||
      !get_path(c, r, "compositor", &w->compositor) || !get_path(c, r, "socket", &w->socket) ||
      !get_str(c, r, "app_id", &w->app_id))
    return false;
  size_t n = strlen(w->app_id);
  if (n == 0 || n > WAYLAND_MAX_APP_ID)
    return fail(c, "app_id is %zu bytes long, it must be 1..%u", n, WAYLAND_MAX_APP_ID);
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)w->app_id[i];
    if (ch < 0x20 || ch == 0x7F)
      return fail(c, "app_id contains a control character");
  }
  if ((w->flags & WAYLAND_DIRECT) != 0) {
    if (strcmp(w->socket, w->compositor) != 0)
      return fail(c, "with DIRECT, socket must be the compositor path");
  } else {
    /* hsu-init creates the socket itself: only directly inside its own dir. */
    if (!check_in_instance_dir(c, "socket", w->socket))
      return false;
  }
  w->present = true;
  return true;
}

static bool parse_auto_root(struct parser *c, struct reader *r, struct op *op) {
  __typeof__(op->u.auto_root) *o = &op->u.auto_root;
  return get_path(c, r, "host", &o->host) && get_u32(c, r, "bind_flags", &o->flags) &&
         check_flags(c, "bind_flags", o->flags, BIND_WRITABLE | BIND_DEVICE) &&
         get_list(c, r, "exclude", ELEM_NAME, &o->exclude);
}

static bool parse_auto_etc(struct parser *c, struct reader *r, struct op *op) {
  __typeof__(op->u.auto_etc) *o = &op->u.auto_etc;
  return get_path(c, r, "host", &o->host) && get_list(c, r, "only", ELEM_NAME, &o->only) &&
         get_list(c, r, "skip", ELEM_NAME, &o->skip);
}

static bool parse_bind(struct parser *c, struct reader *r, struct op *op) {
  __typeof__(op->u.bind) *o = &op->u.bind;
  if (!get_path(c, r, "source", &o->source) || !get_path(c, r, "target", &o->target) ||
      !get_u32(c, r, "flags", &o->flags) ||
      !check_flags(c, "flags", o->flags, BIND_WRITABLE | BIND_DEVICE | BIND_OPTIONAL | BIND_ENSURE))
    return false;
  if ((o->flags & (BIND_OPTIONAL | BIND_ENSURE)) == (BIND_OPTIONAL | BIND_ENSURE))
    return fail(c, "flags OPTIONAL and ENSURE cannot be combined");
  return true;
}

static bool parse_tmpfs(struct parser *c, struct reader *r, struct op *op) {
  __typeof__(op->u.tmpfs) *o = &op->u.tmpfs;
  return get_path(c, r, "target", &o->target) && get_u64(c, r, "size_bytes", &o->size) &&
         get_u32(c, r, "mode", &o->mode) && check_mode(c, o->mode) &&
         get_u32(c, r, "flags", &o->flags) && check_flags(c, "flags", o->flags, TMPFS_READ_ONLY);
}

static bool parse_overlay(struct parser *c, struct reader *r, struct op *op) {
  __typeof__(op->u.overlay) *o = &op->u.overlay;
  if (!get_path(c, r, "target", &o->target) || !get_u32(c, r, "flags", &o->flags) ||
      !check_flags(c, "flags", o->flags,
                   OVERLAY_EPHEMERAL | OVERLAY_PERSISTENT | OVERLAY_READ_ONLY) ||
      !get_opt_path(c, r, "upper", &o->upper) || !get_opt_path(c, r, "work", &o->work) ||
      !get_list(c, r, "lowers", ELEM_PATH, &o->lowers))
    return false;
  if (o->flags != OVERLAY_EPHEMERAL && o->flags != OVERLAY_PERSISTENT &&
      o->flags != OVERLAY_READ_ONLY)
    return fail(c, "flags 0x%x must be exactly one of EPHEMERAL, PERSISTENT, READ_ONLY", o->flags);
  if (o->lowers.n == 0)
    return fail(c, "lowers is empty");
  if (o->flags == OVERLAY_PERSISTENT) {
    if (o->upper == NULL || o->work == NULL)
      return fail(c, "a PERSISTENT overlay needs both upper and work");
  } else if (o->upper != NULL || o->work != NULL) {
    return fail(c, "upper and work must be empty unless the overlay is PERSISTENT");
  }
  if (o->flags == OVERLAY_READ_ONLY && o->lowers.n < 2)
    return fail(c, "a READ_ONLY overlay needs at least two lowers");
  return true;
}

static bool parse_mkdir(struct parser *c, struct reader *r, struct op *op) {
  __typeof__(op->u.mkdir) *o = &op->u.mkdir;
  return get_path(c, r, "target", &o->target) && get_u32(c, r, "mode", &o->mode) &&
         check_mode(c, o->mode);
}

static bool parse_place(struct parser *c, struct reader *r, struct op *op) {
  __typeof__(op->u.place) *o = &op->u.place;
  const unsigned char *data = NULL;
  if (!get_path(c, r, "target", &o->target) || !get_u32(c, r, "mode", &o->mode) ||
      !check_mode(c, o->mode) || !get_raw(c, r, "data", PLAN_MAX_BYTES, &data, &o->len))
    return false;
  return (o->data = (const unsigned char *)dup_str(c, data, o->len)) != NULL;
}

static bool parse_symlink(struct parser *c, struct reader *r, struct op *op) {
  __typeof__(op->u.symlink) *o = &op->u.symlink;
  if (!get_path(c, r, "target", &o->target) || !get_str(c, r, "link_name", &o->link_name) ||
      !get_u32(c, r, "flags", &o->flags) || !check_flags(c, "flags", o->flags, SYMLINK_DEREFERENCE))
    return false;
  size_t n = strlen(o->link_name);
  if (n == 0)
    return fail(c, "link_name is empty");
  if (n >= PLAN_MAX_PATH)
    return fail(c, "link_name is 4096 bytes or longer");
  if ((o->flags & SYMLINK_DEREFERENCE) != 0)
    return check_path(c, "link_name", o->link_name);
  return true;
}

static bool parse_proc(struct parser *c, struct reader *r, struct op *op) {
  return get_path(c, r, "target", &op->u.proc.target);
}

static bool parse_sysfs(struct parser *c, struct reader *r, struct op *op) {
  /* The kernel shows a sysfs the network devices of the mounter's
   * namespace, and mounts one only in a namespace of our own. */
  if ((c->plan->flags & PARAMS_HOST_NET) != 0)
    return fail(c, "a new sysfs needs the sandbox's own network namespace (PARAMS has HOST_NET)");
  return get_path(c, r, "target", &op->u.sysfs.target);
}

static bool parse_dev(struct parser *c, struct reader *r, struct op *op) {
  __typeof__(op->u.dev) *o = &op->u.dev;
  return get_path(c, r, "target", &o->target) && get_u32(c, r, "flags", &o->flags) &&
         check_flags(c, "flags", o->flags, DEV_MQUEUE | DEV_WRITABLE);
}

static bool parse_remount(struct parser *c, struct reader *r, struct op *op) {
  __typeof__(op->u.remount) *o = &op->u.remount;
  return get_path(c, r, "target", &o->target) && get_u32(c, r, "flags", &o->flags) &&
         check_flags(c, "flags", o->flags, REMOUNT_READ_ONLY | REMOUNT_NOEXEC | REMOUNT_NODEV);
}

static bool parse_daemon(struct parser *c, struct reader *r, struct op *op) {
  __typeof__(op->u.daemon) *o = &op->u.daemon;
  if (!get_path(c, r, "ready", &o->ready) || !get_u64(c, r, "timeout_ms", &o->timeout_ms) ||
      !get_list(c, r, "argv", ELEM_STR, &o->argv) || !get_list(c, r, "env", ELEM_STR, &o->env))
    return false;
  if (o->argv.n == 0)
    return fail(c, "argv is empty");
  return check_path(c, "argv[0]", o->argv.v[0]) && check_env(c, "env", &o->env);
}

static int parse_plan(const unsigned char *buf, size_t len, struct plan *out, struct hsu_error *e,
                      bool nested);

static bool parse_proxy(struct parser *c, struct reader *r) {
  struct plan *p = c->plan;
  if (p->n_proxies >= PROXY_MAX)
    return fail(c, "there are more than %u PROXY records", PROXY_MAX);
  struct proxy *px = &p->proxies[p->n_proxies];
  const unsigned char *data = NULL;
  uint32_t n = 0;
  if (!get_u32(c, r, "flags", &px->flags) || !check_flags(c, "flags", px->flags, PROXY_PULSE) ||
      !get_u32(c, r, "sync_fd", &px->sync_fd))
    return false;
  if (px->sync_fd < PROXY_MIN_FD || px->sync_fd > PROXY_MAX_FD)
    return fail(c, "sync_fd %u is not in %u..%u", px->sync_fd, PROXY_MIN_FD, PROXY_MAX_FD);
  if (!get_path(c, r, "ready", &px->ready) || !get_u64(c, r, "timeout_ms", &px->timeout_ms) ||
      !get_raw(c, r, "plan", PROXY_MAX_PLAN, &data, &n))
    return false;
  /* The helper creates its sockets in the instance dir, which goes with it. */
  if (!check_in_instance_dir(c, "ready", px->ready))
    return false;
  struct plan *nested = arena_alloc(p, sizeof(*nested));
  if (nested == NULL)
    return fail(c, "out of memory");
  struct hsu_error inner;
  if (parse_plan(data, n, nested, &inner, true) < 0)
    return fail(c, "nested plan: %s", inner.msg);
  px->plan = nested;
  p->n_proxies++;
  return true;
}

static bool parse_end(struct parser *c, struct reader *r) {
  if (r->left != 0)
    return fail(c, "length is %zu, must be 0", r->left);
  c->have_end = true;
  if (c->rest.left != 0)
    return fail(c, "%zu bytes follow the END record", c->rest.left);
  return true;
}

/* What may stand where, and who reads it. Exactly one of parse and op. */
static const struct record_kind {
  uint32_t tag;
  const char *name;
  bool before_ops;     /* not after the first op */
  bool needs_instance; /* after an INSTANCE record */
  bool main_only;      /* not in a nested plan: the instance belongs to the main one */
  bool once;           /* at most one */
  bool (*parse)(struct parser *c, struct reader *r);
  bool (*op)(struct parser *c, struct reader *r, struct op *op);
} records[] = {
    {TAG_PARAMS, "PARAMS", true, false, false, true, parse_params, NULL},
    {TAG_AUTO_ROOT, "AUTO_ROOT", false, false, false, false, NULL, parse_auto_root},
    {TAG_AUTO_ETC, "AUTO_ETC", false, false, false, false, NULL, parse_auto_etc},
    {TAG_BIND, "BIND", false, false, false, false, NULL, parse_bind},
    {TAG_TMPFS, "TMPFS", false, false, false, false, NULL, parse_tmpfs},
    {TAG_OVERLAY, "OVERLAY", false, false, false, false, NULL, parse_overlay},
    {TAG_MKDIR, "MKDIR", false, false, false, false, NULL, parse_mkdir},
    {TAG_PLACE, "PLACE", false, false, false, false, NULL, parse_place},
    {TAG_SYMLINK, "SYMLINK", false, false, false, false, NULL, parse_symlink},
    {TAG_PROC, "PROC", false, false, false, false, NULL, parse_proc},
    {TAG_DEV, "DEV", false, false, false, false, NULL, parse_dev},
    {TAG_REMOUNT, "REMOUNT", false, false, false, false, NULL, parse_remount},
    {TAG_DAEMON, "DAEMON", false, false, false, false, NULL, parse_daemon},
    {TAG_SECCOMP, "SECCOMP", true, false, false, true, parse_seccomp, NULL},
    {TAG_LANDLOCK, "LANDLOCK", true, false, false, true, parse_landlock, NULL},
    {TAG_INSTANCE, "INSTANCE", true, false, true, true, parse_instance, NULL},
    {TAG_WAYLAND, "WAYLAND", true, true, true, true, parse_wayland, NULL},
    {TAG_PROXY, "PROXY", true, true, true, false, parse_proxy, NULL},
    {TAG_SYSFS, "SYSFS", false, false, false, false, NULL, parse_sysfs},
    {TAG_END, "END", false, false, false, true, parse_end, NULL},
};
#define N_RECORDS (sizeof(records) / sizeof(records[0]))

static const struct record_kind *record_kind(uint32_t tag) {
  for (size_t i = 0; i < N_RECORDS; i++)
    if (records[i].tag == tag)
      return &records[i];
  return NULL;
}

const char *plan_tag_name(uint32_t tag) {
  const struct record_kind *k = record_kind(tag);
  return k != NULL ? k->name : NULL;
}

static bool parse_op_record(struct parser *c, struct reader *r, const struct record_kind *k) {
  struct plan *p = c->plan;
  if (p->n_ops >= PLAN_MAX_OPS)
    return fail(c, "more than %u op records", PLAN_MAX_OPS);
  struct op *op = &p->ops[p->n_ops++];
  op->tag = (enum plan_tag)k->tag;
  op->record = c->record;
  return k->op(c, r, op);
}

/* Where a record of kind k may stand, then its payload. */
static bool parse_payload(struct parser *c, struct reader *r, const struct record_kind *k) {
  struct plan *p = c->plan;
  uint64_t bit = 1ull << (k - records);
  if (c->seen == 0 && k->tag != TAG_PARAMS)
    return fail(c, "the first record must be PARAMS");
  if (c->nested && k->main_only)
    return fail(c, "a nested plan cannot contain %s", k->name);
  if (k->once && (c->seen & bit) != 0)
    return fail(c, "there is more than one %s record", k->name);
  if (k->before_ops && p->n_ops > 0)
    return fail(c, "%s must come before the first op", k->name);
  if (k->needs_instance && !p->instance.present)
    return fail(c, "%s needs an INSTANCE record before it", k->name);
  c->seen |= bit;
  return k->op != NULL ? parse_op_record(c, r, k) : k->parse(c, r);
}

/* The record at c->rest: its header, then parse_payload. */
static bool parse_record(struct parser *c) {
  struct reader *r = &c->rest;
  c->tag = 0x10000; /* no name until read */
  if (r->left < 8)
    return fail(c, "record header is truncated: needs 8 bytes, %zu left", r->left);
  uint32_t tag = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8;
  uint32_t zero = (uint32_t)r->p[2] | (uint32_t)r->p[3] << 8;
  uint32_t length = le32(r->p + 4);
  r->p += 8;
  r->left -= 8;
  const struct record_kind *k = record_kind(tag);
  if (k == NULL)
    return fail(c, "unknown tag %u", tag);
  c->tag = tag;
  if (zero != 0)
    return fail(c, "reserved field is %u, must be 0", zero);
  if (length > r->left)
    return fail(c, "length %u exceeds the %zu bytes left in the plan", length, r->left);
  struct reader payload = {r->p, length};
  r->p += length;
  r->left -= length;
  if (!parse_payload(c, &payload, k))
    return false;
  if (payload.left != 0)
    return fail(c, "%zu unexpected bytes at the end of the record", payload.left);
  return true;
}

static bool parse_header(struct parser *c, const unsigned char *buf, size_t len) {
  if (len > PLAN_MAX_SIZE)
    return fail(c, "plan is %zu bytes, larger than 16 MiB", len);
  if (len < PLAN_HEADER_SIZE)
    return fail(c, "plan is truncated: %zu bytes, the header alone needs 16", len);
  if (memcmp(buf, "HSUPLAN\0", 8) != 0)
    return fail(c, "bad magic: this is not a hsu plan");
  uint32_t version = le32(buf + 8), body = le32(buf + 12);
  if (version != PLAN_VERSION)
    return fail(c, "unsupported plan version %u (this hsu-init reads version %u)", version,
                PLAN_VERSION);
  if (body != len - PLAN_HEADER_SIZE)
    return fail(c, "body_length %u does not match the %zu bytes after the header", body,
                len - PLAN_HEADER_SIZE);
  c->rest = (struct reader){buf + PLAN_HEADER_SIZE, len - PLAN_HEADER_SIZE};
  return true;
}

static bool parse_records(struct parser *c) {
  struct plan *out = c->plan;
  /* Every record takes at least 8 bytes: this bounds the op array. */
  size_t max_ops = c->rest.left / 8 < PLAN_MAX_OPS ? c->rest.left / 8 : PLAN_MAX_OPS;
  out->ops = arena_alloc(out, (max_ops + 1) * sizeof(struct op));
  if (out->ops == NULL)
    return fail(c, "out of memory");
  for (uint32_t record = 1; !c->have_end; record++) {
    c->record = 0;
    if (c->rest.left == 0)
      return fail(c, "plan ends after record %u without an END record", record - 1);
    c->record = record;
    if (!parse_record(c))
      return false;
  }
  return true;
}

/* A nested plan (a PROXY's) may hold neither INSTANCE, WAYLAND nor PROXY:
 * the instance and what lives in it belong to the main plan. */
static int parse_plan(const unsigned char *buf, size_t len, struct plan *out, struct hsu_error *e,
                      bool nested) {
  struct parser c = {.plan = out, .nested = nested};
  memset(out, 0, sizeof(*out));
  out->sync_fd = -1;
  hsu_error_clear(e);
  sb_init(&c.err, e->msg, sizeof(e->msg));
  if (parse_header(&c, buf, len) && parse_records(&c)) {
    out->bytes = buf;
    out->len = len;
    return 0;
  }
  plan_free(out);
  memset(out, 0, sizeof(*out));
  out->sync_fd = -1;
  return -1;
}

int plan_parse(const unsigned char *buf, size_t len, struct plan *out, struct hsu_error *e) {
  return parse_plan(buf, len, out, e, false);
}

void *plan_alloc(struct plan *p, size_t n) {
  return arena_alloc(p, n);
}
