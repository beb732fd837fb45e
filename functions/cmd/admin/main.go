// Command admin manages plans and users in Firestore and Firebase Auth, with
// the same environment as the server (emulators locally):
//
//	go run ./cmd/admin seed-plans [-overwrite]      create the default plans (wire.DefaultPlans) that are missing
//	go run ./cmd/admin seed-demo                    demo users free@, basic@, pro@example.com (local only)
//	go run ./cmd/admin grant -email E -plan P [-months N] [-auto-renew]
//	go run ./cmd/admin revoke -email E              end the subscription now (back to free)
//	go run ./cmd/admin show -email E                subscription, usage today and devices
//	go run ./cmd/admin remove-device -email E -device ID
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"firebase.google.com/go/v4/auth"

	api "imageconverter/functions"
	"imageconverter/functions/internal/claims"
	"imageconverter/functions/internal/config"
	"imageconverter/functions/internal/store"
	"imageconverter/functions/wire"
)

// DemoPassword is the password of the demo users of the local stack.
const DemoPassword = "password"

func usage() {
	fmt.Fprintln(os.Stderr, `usage: admin <command> [flags]
  seed-plans [-overwrite]
  seed-demo
  grant -email E -plan free|basic|pro [-months N] [-auto-renew]
  revoke -email E
  show -email E
  remove-device -email E -device ID`)
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	cmd, args := os.Args[1], os.Args[2:]
	fs := flag.NewFlagSet(cmd, flag.ExitOnError)
	email := fs.String("email", "", "user's e-mail address")
	plan := fs.String("plan", "", "plan id")
	months := fs.Int("months", 1, "length of the granted period in months")
	autoRenew := fs.Bool("auto-renew", false, "mark the subscription as auto-renewing (no billing key: renewals will fail)")
	overwrite := fs.Bool("overwrite", false, "reset existing plans to the defaults")
	device := fs.String("device", "", "device id")
	_ = fs.Parse(args)

	ctx := context.Background()
	cfg, err := config.FromEnv()
	if err != nil {
		fail(err)
	}
	srv, err := api.NewServer(ctx, cfg)
	if err != nil {
		fail(err)
	}
	defer srv.Close()
	a := &admin{st: srv.Store(), auth: srv.Auth()}

	switch cmd {
	case "seed-plans":
		err = a.seedPlans(ctx, *overwrite)
	case "seed-demo":
		if !cfg.Emulated() {
			fail(errors.New("seed-demo only runs against the emulators (it creates users with a known password)"))
		}
		err = a.seedDemo(ctx)
	case "grant":
		err = a.grant(ctx, need(*email, "-email"), need(*plan, "-plan"), *months, *autoRenew)
	case "revoke":
		err = a.revoke(ctx, need(*email, "-email"))
	case "show":
		err = a.show(ctx, need(*email, "-email"), cfg)
	case "remove-device":
		err = a.removeDevice(ctx, need(*email, "-email"), need(*device, "-device"))
	default:
		usage()
	}
	if err != nil {
		fail(err)
	}
}

func need(v, name string) string {
	if v == "" {
		fail(fmt.Errorf("%s is required", name))
	}
	return v
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "admin:", err)
	os.Exit(1)
}

type admin struct {
	st   *store.Store
	auth *auth.Client
}

func (a *admin) seedPlans(ctx context.Context, overwrite bool) error {
	written, err := a.st.SeedPlans(ctx, overwrite)
	if err != nil {
		return err
	}
	if len(written) == 0 {
		fmt.Println("plans: all present, nothing written")
	} else {
		fmt.Println("plans written:", written)
	}
	return nil
}

func (a *admin) uid(ctx context.Context, email string) (string, error) {
	u, err := a.auth.GetUserByEmail(ctx, email)
	if err != nil {
		return "", fmt.Errorf("no user %s: %w", email, err)
	}
	return u.UID, nil
}

func (a *admin) grant(ctx context.Context, email, plan string, months int, autoRenew bool) error {
	if plan != wire.PlanFree && plan != wire.PlanBasic && plan != wire.PlanPro {
		return fmt.Errorf("unknown plan %q (free, basic or pro)", plan)
	}
	uid, err := a.uid(ctx, email)
	if err != nil {
		return err
	}
	now := time.Now()
	d := store.SubscriptionDoc{Plan: plan, Status: wire.StatusActive, AutoRenew: autoRenew, CurrentPeriodStart: now,
		CurrentPeriodEnd: now.AddDate(0, months, 0), LastPaymentID: "admin-grant"}
	if err := a.st.SetSubscription(ctx, uid, d); err != nil {
		return err
	}
	if err := claims.MirrorPlan(ctx, a.auth, uid, plan); err != nil {
		return err
	}
	fmt.Printf("%s (%s): %s until %s\n", email, uid, plan, d.CurrentPeriodEnd.Format(time.RFC3339))
	return nil
}

func (a *admin) revoke(ctx context.Context, email string) error {
	uid, err := a.uid(ctx, email)
	if err != nil {
		return err
	}
	sub, err := a.st.Subscription(ctx, uid)
	if err != nil {
		return err
	}
	if sub == nil {
		fmt.Printf("%s has no subscription (free)\n", email)
		return nil
	}
	sub.Status, sub.AutoRenew, sub.CurrentPeriodEnd = wire.StatusExpired, false, time.Now()
	if err := a.st.SetSubscription(ctx, uid, *sub); err != nil {
		return err
	}
	if err := claims.MirrorPlan(ctx, a.auth, uid, wire.PlanFree); err != nil {
		return err
	}
	fmt.Printf("%s: subscription ended, now free\n", email)
	return nil
}

func (a *admin) show(ctx context.Context, email string, cfg *config.Config) error {
	uid, err := a.uid(ctx, email)
	if err != nil {
		return err
	}
	sub, err := a.st.Subscription(ctx, uid)
	if err != nil {
		return err
	}
	devices, err := a.st.Devices(ctx, uid)
	if err != nil {
		return err
	}
	day := store.DayKey(time.Now(), cfg.QuotaLocation)
	used, err := a.st.UsageOn(ctx, uid, day)
	if err != nil {
		return err
	}
	out := map[string]any{"uid": uid, "email": email, "subscription": sub, "effective": store.EffectiveAt(sub, time.Now()),
		"usage": map[string]any{"day": day, "count": used}, "devices": devices}
	b, _ := json.MarshalIndent(out, "", "  ")
	fmt.Println(string(b))
	return nil
}

func (a *admin) removeDevice(ctx context.Context, email, device string) error {
	uid, err := a.uid(ctx, email)
	if err != nil {
		return err
	}
	if err := a.st.RemoveDevice(ctx, uid, device); err != nil {
		return fmt.Errorf("remove device %s of %s: %w", device, email, err)
	}
	fmt.Printf("removed device %s of %s\n", device, email)
	return nil
}

// seedDemo creates free@, basic@ and pro@example.com (password DemoPassword)
// if missing and gives basic@ and pro@ a month of their plan. Idempotent.
func (a *admin) seedDemo(ctx context.Context) error {
	for _, plan := range []string{wire.PlanFree, wire.PlanBasic, wire.PlanPro} {
		email := plan + "@example.com"
		if _, err := a.auth.GetUserByEmail(ctx, email); auth.IsUserNotFound(err) {
			p := (&auth.UserToCreate{}).Email(email).Password(DemoPassword).EmailVerified(true).DisplayName("Demo " + plan)
			if _, err := a.auth.CreateUser(ctx, p); err != nil {
				return fmt.Errorf("create %s: %w", email, err)
			}
		} else if err != nil {
			return fmt.Errorf("look up %s: %w", email, err)
		}
		if plan == wire.PlanFree {
			fmt.Printf("%s / %s: free\n", email, DemoPassword)
			continue
		}
		uid, _ := a.uid(ctx, email)
		sub, err := a.st.Subscription(ctx, uid)
		if err != nil {
			return err
		}
		if e := store.EffectiveAt(sub, time.Now()); e.Plan == plan {
			fmt.Printf("%s / %s: %s until %s\n", email, DemoPassword, plan, e.PeriodEnd.Format(time.RFC3339))
			continue
		}
		if err := a.grant(ctx, email, plan, 1, false); err != nil {
			return err
		}
	}
	return nil
}
