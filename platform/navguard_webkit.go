//go:build linux && cgo && webkit2_41

package platform

/*
#cgo pkg-config: gtk+-3.0 webkit2gtk-4.1
#include <gtk/gtk.h>
#include <webkit2/webkit2.h>
#include <stdlib.h>
#include <string.h>

extern void goNavigationBlocked(char *uri);
extern void goGuardInstalled(void);

// sameOrigin compares scheme, host and port of two absolute URIs.
static gboolean sameOrigin(const char *a, const char *b) {
	GUri *ua = g_uri_parse(a, G_URI_FLAGS_NONE, NULL);
	GUri *ub = g_uri_parse(b, G_URI_FLAGS_NONE, NULL);
	gboolean same = FALSE;
	if (ua != NULL && ub != NULL) {
		same = g_strcmp0(g_uri_get_scheme(ua), g_uri_get_scheme(ub)) == 0 &&
		       g_strcmp0(g_uri_get_host(ua), g_uri_get_host(ub)) == 0 &&
		       g_uri_get_port(ua) == g_uri_get_port(ub);
	}
	if (ua != NULL) g_uri_unref(ua);
	if (ub != NULL) g_uri_unref(ub);
	return same;
}

// allowedURI: the app's own pages (wails://, or the dev server's origin)
// and the very first load. Everything else — above all the file:// URI
// WebKit opens when a dropped photo or folder is not taken by the page —
// would replace the app with something that is not the app.
static gboolean allowedURI(const char *current, const char *target) {
	if (target == NULL) return FALSE;
	if (g_str_has_prefix(target, "wails:")) return TRUE;
	if (current == NULL || *current == '\0' || g_str_has_prefix(current, "about:")) return TRUE;
	return sameOrigin(current, target);
}

static gboolean allowed(WebKitWebView *wv, const char *target) {
	return allowedURI(webkit_web_view_get_uri(wv), target);
}

static gboolean onDecidePolicy(WebKitWebView *wv, WebKitPolicyDecision *decision, WebKitPolicyDecisionType type, gpointer data) {
	if (type == WEBKIT_POLICY_DECISION_TYPE_RESPONSE) return FALSE;
	WebKitNavigationAction *action =
	    webkit_navigation_policy_decision_get_navigation_action(WEBKIT_NAVIGATION_POLICY_DECISION(decision));
	const char *target = webkit_uri_request_get_uri(webkit_navigation_action_get_request(action));
	if (type == WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION && allowed(wv, target)) return FALSE;
	webkit_policy_decision_ignore(decision);
	goNavigationBlocked((char *)(target ? target : ""));
	return TRUE;
}

static WebKitWebView *findWebView(GtkWidget *w) {
	if (WEBKIT_IS_WEB_VIEW(w)) return WEBKIT_WEB_VIEW(w);
	if (!GTK_IS_CONTAINER(w)) return NULL;
	WebKitWebView *found = NULL;
	GList *children = gtk_container_get_children(GTK_CONTAINER(w));
	for (GList *l = children; l != NULL && found == NULL; l = l->next) found = findWebView(GTK_WIDGET(l->data));
	g_list_free(children);
	return found;
}

static int guarded = 0;

// installGuard runs on the GTK main loop; it retries until the window and
// its web view exist.
static gboolean installGuard(gpointer data) {
	if (guarded) return G_SOURCE_REMOVE;
	GList *tops = gtk_window_list_toplevels();
	WebKitWebView *wv = NULL;
	for (GList *l = tops; l != NULL && wv == NULL; l = l->next) wv = findWebView(GTK_WIDGET(l->data));
	g_list_free(tops);
	if (wv == NULL) return G_SOURCE_CONTINUE;
	g_signal_connect(G_OBJECT(wv), "decide-policy", G_CALLBACK(onDecidePolicy), NULL);
	guarded = 1;
	goGuardInstalled();
	return G_SOURCE_REMOVE;
}

static void scheduleGuard(void) { g_timeout_add(20, installGuard, NULL); }

*/
import "C"

import (
	"fmt"
	"os"
	"sync"
	"unsafe"
)

var (
	blockedMu sync.Mutex
	onBlocked func(uri string)
)

//export goGuardInstalled
func goGuardInstalled() {
	fmt.Fprintln(os.Stderr, "imageconverter: navigation guard on the web view")
}

// navigationAllowed is the guard's rule, for tests: may the web view at
// current load target?
func navigationAllowed(current, target string) bool {
	c, t := C.CString(current), C.CString(target)
	defer C.free(unsafe.Pointer(c))
	defer C.free(unsafe.Pointer(t))
	var cp *C.char
	if current != "" {
		cp = c
	}
	return C.allowedURI(cp, t) != 0
}

//export goNavigationBlocked
func goNavigationBlocked(uri *C.char) {
	u := C.GoString(uri)
	fmt.Fprintln(os.Stderr, "imageconverter: kept the window on the app; refused to open", u)
	blockedMu.Lock()
	f := onBlocked
	blockedMu.Unlock()
	if f != nil {
		go f(u)
	}
}

// GuardNavigation keeps the window on the app: the web view may only load
// the app's own pages. WebKitGTK opens a dropped file or folder as a page
// when the drop was not taken by the page (before the page has loaded, or
// when the element under the pointer went away during the drop); that would
// replace the whole app with a photo or a folder listing. blocked, if not
// nil, hears each refused address. Call it once the GTK main loop is about
// to run (from OnStartup).
func GuardNavigation(blocked func(uri string)) {
	blockedMu.Lock()
	onBlocked = blocked
	blockedMu.Unlock()
	C.scheduleGuard()
}
