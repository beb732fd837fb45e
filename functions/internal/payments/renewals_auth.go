package payments

import (
	"net/http"
	"strings"

	"google.golang.org/api/idtoken"

	"imageconverter/functions/internal/httpx"
	"imageconverter/functions/wire"
)

// Who may start a renewal run. In production Cloud Scheduler calls the route
// with an OIDC ID token of its service account (Authorization: Bearer <JWT>);
// it is accepted when SCHEDULER_OIDC_AUDIENCE (the URL the job calls) is set
// and the token is Google-signed for that audience and belongs to
// SCHEDULER_SERVICE_ACCOUNT. Otherwise — and always locally — the shared
// secret SCHEDULER_SECRET of the router's Scheduler check is required.

// checkRenewalCaller is the check of POST /v1/renewals/run.
func (p *Service) checkRenewalCaller(r *http.Request) error {
	aud := p.cfg.SchedulerOIDCAudience
	tok, hasBearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if aud == "" || !hasBearer || strings.Count(tok, ".") != 2 || r.Header.Get("X-Scheduler-Secret") != "" {
		return httpx.CheckScheduler(r, p.cfg.SchedulerSecret)
	}
	payload, err := idtoken.Validate(r.Context(), tok, aud)
	if err != nil {
		return &httpx.Error{Code: wire.CodePermissionDenied, Message: "This route is for the scheduler only.", Cause: err}
	}
	email, _ := payload.Claims["email"].(string)
	verified, _ := payload.Claims["email_verified"].(bool)
	if want := p.cfg.SchedulerServiceAccount; want == "" || email != want || !verified {
		return httpx.Errorf(wire.CodePermissionDenied, "This route is for the scheduler only.")
	}
	return nil
}
