/* Instance tables and physical addresses of ELF images, for the CLI. */
#include "cli/instances.h"

#include <fcntl.h>
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
    if (e && elf_getphdrnum(e, &n) == 0) {
        img->nseg = 0;
        for (size_t i = 0; i < n && img->nseg < CLI_MAX_SEGMENTS; i++) {
            GElf_Phdr ph;
            if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD) {
                img->seg[img->nseg].vaddr = ph.p_vaddr;
                img->seg[img->nseg].paddr = ph.p_paddr;
                img->seg[img->nseg].size = ph.p_memsz;
                img->nseg++;
            }
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

int cli_image_open(cli_image *img, const char *path, char *err, size_t errsz)
{
    memset(img, 0, sizeof *img);
    img->file = pvp_file_open_elf(path, err, errsz);
    if (!img->file)
        return -1;
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
    pvp_error e;
    const pvp_image *pi = pvp_file_image(img->file);
    if ((s && s->bytes && pvp_instances_read(pi, s->addr, s->size, img->set, CLI_MAX_INSTANCES, &img->count,
                                             &e) != PVP_OK) ||
        (modes && modes->bytes && pvp_modes_read(pi, modes->addr, modes->size, img->modes, CLI_MAX_MODES,
                                                 &img->nmodes, &e) != PVP_OK)) {
        cli_engine_error(err, errsz, path, &e);
        cli_image_close(img);
        return -1;
    }
    if (read_segments(img, path, err, errsz)) {
        cli_image_close(img);
        return -1;
    }
    return 0;
}

void cli_image_close(cli_image *img)
{
    if (img->file)
        pvp_file_close(img->file);
    img->file = NULL;
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
