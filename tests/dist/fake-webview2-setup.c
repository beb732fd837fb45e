// Stands in for Microsoft's MicrosoftEdgeWebview2Setup.exe in tests/dist/windows.sh, which bundles it
// into a test build of the installer: it only appends the arguments it was started with to
// C:\webview2-setup-ran.txt, so the test can tell whether (and how) the installer ran it.
#include <stdio.h>

int main(int argc, char **argv) {
	FILE *f = fopen("C:\\webview2-setup-ran.txt", "a");
	if (!f) return 1;
	for (int i = 1; i < argc; i++) fprintf(f, "%s%s", i > 1 ? " " : "", argv[i]);
	fputc('\n', f);
	fclose(f);
	return 0;
}
