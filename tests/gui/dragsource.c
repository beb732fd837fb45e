// dragsource: a tiny GTK3 window that offers its arguments (paths) as a
// text/uri-list drag, so tests can perform a real native drop on the app
// with xdotool (press on this window, move onto the app, release).
// Usage: dragsource X Y PATH...   (the window is placed at X,Y, 160x100)
#include <gtk/gtk.h>
#include <stdlib.h>

static gchar **uris;

static void on_get(GtkWidget *w, GdkDragContext *ctx, GtkSelectionData *sel, guint info, guint t, gpointer d) {
  gtk_selection_data_set_uris(sel, uris);
}

static void on_end(GtkWidget *w, GdkDragContext *ctx, gpointer d) {
  g_print("drag ended\n");
  gtk_main_quit();
}

int main(int argc, char **argv) {
  gtk_init(&argc, &argv);
  if (argc < 4) {
    g_printerr("usage: dragsource X Y PATH...\n");
    return 2;
  }
  uris = g_new0(gchar *, argc - 2);
  for (int i = 3; i < argc; i++) {
    uris[i - 3] = g_filename_to_uri(argv[i], NULL, NULL);
  }
  GtkWidget *win = gtk_window_new(GTK_WINDOW_TOPLEVEL);
  gtk_window_set_title(GTK_WINDOW(win), "ic-drag-source");
  gtk_window_set_default_size(GTK_WINDOW(win), 160, 100);
  gtk_window_move(GTK_WINDOW(win), atoi(argv[1]), atoi(argv[2]));
  GtkWidget *box = gtk_event_box_new();
  gtk_container_add(GTK_CONTAINER(box), gtk_label_new("drag me"));
  gtk_container_add(GTK_CONTAINER(win), box);
  GtkTargetEntry target = {"text/uri-list", 0, 0};
  gtk_drag_source_set(box, GDK_BUTTON1_MASK, &target, 1, GDK_ACTION_COPY);
  g_signal_connect(box, "drag-data-get", G_CALLBACK(on_get), NULL);
  g_signal_connect(box, "drag-end", G_CALLBACK(on_end), NULL);
  g_signal_connect(win, "destroy", G_CALLBACK(gtk_main_quit), NULL);
  gtk_widget_show_all(win);
  gtk_main();
  return 0;
}
