package licensing

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"imageconverter/functions/wire"
)

// When the service stops accepting the sign-in (the account deleted or
// disabled, the password changed elsewhere) the entitlement in hand still
// applies until it lapses, and the status says the user must sign in again
// — not only on the plan screen (account.Notice turns it into a notice on
// every screen).
func TestRefusedSignInKeepsThePlanAndAsksToSignInAgain(t *testing.T) {
	st := requireStack(t)
	ctx := ctxT(t)
	c, _ := st.basicAccount(t, ctx, "dev-signin-again")
	if s := c.Status(); s.SignInAgain || s.Plan != wire.PlanBasic {
		t.Fatalf("before: %+v", s)
	}
	deleteAuthUser(t, st.authHost, c.Status().UserID)
	c.clock.Add(2 * time.Hour) // the ID token in hand has expired: the next call needs the refresh token
	if err := c.Refresh(ctx); err == nil {
		t.Fatal("a refresh with a deleted account succeeded")
	}
	s := c.Status()
	if !s.SignInAgain || s.Plan != wire.PlanBasic || s.Reason != "" || s.Offline {
		t.Fatalf("after the refused sign-in: signInAgain=%v plan=%s reason=%q offline=%v; want true, basic, no reason, online",
			s.SignInAgain, s.Plan, s.Reason, s.Offline)
	}
}

// deleteAuthUser deletes a user in the Auth emulator (its admin access).
func deleteAuthUser(t *testing.T, authHost, uid string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"localId": uid})
	u := fmt.Sprintf("http://%s/identitytoolkit.googleapis.com/v1/projects/demo-imageconverter/accounts:delete", authHost)
	req, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer owner")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("delete auth user: %s", resp.Status)
	}
}
