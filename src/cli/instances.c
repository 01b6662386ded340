/* Instance tables and physical addresses of ELF images, for the CLI. */
#include "cli/instances.h"
#include "pvpatch/ia64.h"
#include "cli/cli.h"

#include <fcntl.h>
#include <stdlib.h>
#include <gelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The PT_LOAD headers give each virtual range its physical load address,
 * which is exactly what LOAD_PHYSICAL needs at boot. */
static int read_segments(cli_image *img, const char *path, char *err, size_t errsz)
{
    int fd = open(path, O_RDONLY);
    Elf *e = fd >= 0 ? elf_begin(fd, ELF_C_READ, NULL) : NULL;
    size_t n = 0;
    int rc = -1;
    if (e && elf_getphdrnum(e, &n) == 0 && (img->seg = calloc(n ? n : 1, sizeof *img->seg))) {
        img->nseg = 0;
        for (size_t i = 0; i < n; i++) {
            GElf_Phdr ph;
            if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD)
                img->seg[img->nseg++] = (cli_segment){ ph.p_vaddr, ph.p_paddr, ph.p_memsz };
        }
        rc = 0;
    } else {
        pvp_errorf(err, errsz, path, "cannot read program headers");
    }
    if (e)
        elf_end(e);
    if (fd >= 0)
        close(fd);
    return rc;
}

pvp_instance *cli_instances_alloc(uint64_t size, size_t *max)
{
    *max = (size_t)(size / PVP_INSTANCE_RECSIZE) + 1;
    return calloc(*max, sizeof(pvp_instance));
}

/* Read the instance and mode tables (each as large as its section). */
static int read_tables(cli_image *img, const pvp_section *s, const pvp_section *modes, char *err,
                       size_t errsz)
{
    const pvp_image *pi = pvp_file_image(img->file);
    size_t maxi = 0, maxm = (size_t)(modes && modes->bytes ? modes->size / PVP_MODE_RECSIZE : 0) + 1;
    img->set = cli_instances_alloc(s && s->bytes ? s->size : 0, &maxi);
    img->modes = calloc(maxm, sizeof *img->modes);
    if (!img->set || !img->modes) {
        pvp_errorf(err, errsz, pvp_file_path(img->file), "out of memory");
        return -1;
    }
    pvp_error e;
    if ((s && s->bytes && pvp_instances_read(pi, s->addr, s->size, img->set, maxi, &img->count, &e) != PVP_OK) ||
        (modes && modes->bytes &&
         pvp_modes_read(pi, modes->addr, modes->size, img->modes, maxm, &img->nmodes, &e) != PVP_OK)) {
        cli_engine_error(err, errsz, pvp_file_path(img->file), &e);
        return -1;
    }
    return 0;
}

int cli_image_open(cli_image *img, const char *path, char *err, size_t errsz)
{
    memset(img, 0, sizeof *img);
    img->file = pvp_file_open_elf(path, err, errsz);
    if (!img->file)
        return -1;
    img->t = cli_target_for(pvp_file_machine(img->file));
    if (pvp_file_kind_of(img->file) == PVP_FILE_REL) {
        pvp_errorf(err, errsz, path, "a relocatable object (ET_REL): its records hold no addresses until it is "
                                     "linked; link it first (`pvpatch check` reads objects)");
        cli_image_close(img);
        return -1;
    }
    const pvp_section *s = pvp_file_section_by_name(img->file, ".pvpatch.instances");
    const pvp_section *sites = pvp_file_section_by_name(img->file, ".pvpatch.sites");
    const pvp_section *modes = pvp_file_section_by_name(img->file, ".pvpatch.modes");
    if ((!s || !s->bytes) && (!sites || !sites->bytes)) {
        pvp_errorf(err, errsz, path, "no .pvpatch.instances or .pvpatch.sites section: not built with pvpatch records");
        cli_image_close(img);
        return -1;
    }
    if (sites && sites->bytes)
        img->sites = sites->addr, img->sites_size = sites->size;
    img->names = pvp_file_section_by_name(img->file, ".pvpatch.names");
    if (read_tables(img, s, modes, err, errsz) || read_segments(img, path, err, errsz)) {
        cli_image_close(img);
        return -1;
    }
    return 0;
}

void cli_image_close(cli_image *img)
{
    if (img->file)
        pvp_file_close(img->file);
    free(img->set);
    free(img->seg);
    free(img->modes);
    memset(img, 0, sizeof *img);
}

const char *cli_op_name(const cli_image *img, unsigned op, char *buf, size_t size)
{
    const pvp_section *n = img->names;
    for (uint64_t off = 0; n && n->bytes && off + PVP_NAME_RECSIZE <= n->size; off += PVP_NAME_RECSIZE) {
        const uint8_t *r = n->bytes + off;
        if ((unsigned)(r[PVP_NAME_OFF_OP] | r[PVP_NAME_OFF_OP + 1] << 8) != op || !r[PVP_NAME_OFF_NAME])
            continue;
        size_t k = 0;
        for (; k < PVP_NAME_LEN && k + 1 < size && r[PVP_NAME_OFF_NAME + k]; k++)
            buf[k] = (char)r[PVP_NAME_OFF_NAME + k];
        buf[k] = '\0';
        return buf;
    }
    return img->t->op_name(op, buf, size);
}

static const char *const builtin_modes[] = { NULL, "native", "xen", "counting" };
#define NBUILTIN (sizeof builtin_modes / sizeof builtin_modes[0])

const char *cli_mode_name(const cli_image *img, uint32_t id, char *buf, size_t size)
{
    for (size_t k = 0; k < img->nmodes; k++)
        if (img->modes[k].id == id)
            return img->modes[k].name;
    if (id > 0 && id < NBUILTIN)
        return builtin_modes[id];
    snprintf(buf, size, "%u", id);
    return buf;
}

/* Is `id` a mode this image knows: a mode record's, or an instance's? */
static int known_mode(const cli_image *img, uint64_t id)
{
    for (size_t k = 0; k < img->nmodes; k++)
        if (img->modes[k].id == id)
            return 1;
    for (size_t k = 0; k < img->count; k++)
        if (img->set[k].mode == id)
            return 1;
    return 0;
}

int cli_image_mode(const cli_image *img, const char *mode, uint32_t *id, char *err, size_t errsz)
{
    uint64_t v;
    int numeric = cli_parse_u64(mode, &v) == 0;
    for (size_t k = 0; k < img->nmodes; k++)
        if (strcmp(img->modes[k].name, mode) == 0 || (numeric && img->modes[k].id == v))
            return *id = img->modes[k].id, 0;
    for (uint32_t k = 1; k < NBUILTIN; k++)
        if (strcmp(builtin_modes[k], mode) == 0)
            return *id = k, 0;
    if (numeric && v <= UINT32_MAX && known_mode(img, v))
        return *id = (uint32_t)v, 0;
    char names[256] = "", buf[16];
    size_t used = 0;
    for (uint32_t k = 1; k < 256 && used < sizeof names - 32; k++)
        if (known_mode(img, k))
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "",
                                     cli_mode_name(img, k, buf, sizeof buf));
    pvp_errorf(err, errsz, pvp_file_path(img->file), "no mode '%s' (modes: %s)", mode, used ? names : "none");
    return -1;
}

const pvp_instance *cli_image_instance(const cli_image *img, const char *name, char *err, size_t errsz)
{
    const pvp_instance *i = pvp_instance_find(img->set, img->count, name);
    if (!i) {
        char names[256] = "";
        for (size_t k = 0; k < img->count; k++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", k ? ", " : "",
                     img->set[k].name);
        pvp_errorf(err, errsz, pvp_file_path(img->file), "no instance '%s' (instances: %s)", name, names);
    }
    return i;
}

int cli_image_vtop(void *ctx, uint64_t vaddr, uint64_t *paddr)
{
    const cli_image *img = ctx;
    for (size_t i = 0; i < img->nseg; i++)
        if (vaddr - img->seg[i].vaddr < img->seg[i].size) {
            *paddr = vaddr - img->seg[i].vaddr + img->seg[i].paddr;
            return 0;
        }
    return 1;
}

void cli_engine_error(char *err, size_t errsz, const char *file, const pvp_error *e)
{
    char slot[32] = "", dist[48] = "";
    if (e->sub >= 0)
        snprintf(slot, sizeof slot, " slot %d:", e->sub);
    if (e->distance)
        snprintf(dist, sizeof dist, ", distance %s0x%llx", e->distance < 0 ? "-" : "+",
                 (unsigned long long)(e->distance < 0 ? -(uint64_t)e->distance : (uint64_t)e->distance));
    snprintf(err, errsz, "%s: address 0x%llx:%s %s (%s%s)", file, (unsigned long long)e->addr, slot,
             e->what ? e->what : "error", pvp_strerror(e->status), dist);
}
