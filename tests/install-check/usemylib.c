/* Uses libmylib.so: its site runs each mode it is patched to. */
#include <stdio.h>

unsigned long mylib_scale(unsigned long x);
long mylib_patch(const char *mode);

int main(void)
{
    unsigned long built = mylib_scale(7);
    long a3 = mylib_patch("three");
    unsigned long three = mylib_scale(7);
    long a2 = mylib_patch("two");
    unsigned long two = mylib_scale(7);
    printf("usemylib: built %lu, three %lu (%ld inline), two %lu (%ld inline)\n", built, three, a3, two, a2);
    return built == 14 && three == 21 && a3 == 0 && two == 14 && a2 == 1 ? 0 : 1;
}
