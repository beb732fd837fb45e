package licensing

import (
	"context"
	"imageconverter/functions/wire"
)

// Devices lists the account's registered computers (Current marks this one).
func (s *Service) Devices(ctx context.Context) ([]wire.Device, error) {
	resp, err := s.api.Devices(ctx)
	if err != nil {
		return nil, s.failed(err)
	}
	for i := range resp.Devices {
		if resp.Devices[i].ID == s.device.ID {
			resp.Devices[i].Current = true
		}
	}
	return resp.Devices, nil
}

// RemoveDevice unregisters a computer of the account, freeing its place.
// After removing another computer following a device_limit refusal, call
// Refresh to register this one.
func (s *Service) RemoveDevice(ctx context.Context, id string) error {
	if err := s.api.RemoveDevice(ctx, id); err != nil {
		return s.failed(err)
	}
	if id == s.device.ID {
		s.mu.Lock()
		s.st.Token = ""
		_ = s.save()
		s.mu.Unlock()
	}
	return nil
}

// Checkout creates an order for a plan (POST /v1/checkout); the plan will
// change once it is paid, so the entitlement is marked stale.
func (s *Service) Checkout(ctx context.Context, req wire.CheckoutRequest) (wire.CheckoutResponse, error) {
	out, err := s.api.Checkout(ctx, req)
	if err != nil {
		return out, s.failed(err)
	}
	s.PlanChanged()
	return out, nil
}

// Order reads an order's status (GET /v1/checkout/{orderId}).
func (s *Service) Order(ctx context.Context, orderID string) (wire.CheckoutResponse, error) {
	out, err := s.api.Order(ctx, orderID)
	if err != nil {
		return out, s.failed(err)
	}
	return out, nil
}

// SetAutoRenew stops (off) or restarts (on) the monthly renewal, then
// fetches the entitlement that reflects it.
func (s *Service) SetAutoRenew(ctx context.Context, on bool) error {
	var err error
	if on {
		_, err = s.api.ResumeRenewal(ctx)
	} else {
		_, err = s.api.CancelRenewal(ctx)
	}
	if err != nil {
		return s.failed(err)
	}
	s.PlanChanged()
	return s.Refresh(ctx)
}
