// Package fscount counts the billable Firestore operations a client makes, as
// Firestore bills them (firebase.google.com/docs/firestore/pricing): a read
// per document a get or query returns (a get of a missing document and a
// query that returns nothing are one read each), a write per document a
// commit sets, updates or creates, a delete per document it deletes.
// Transactions' begin and rollback are free. Tests put it between the
// Firestore client and the emulator to hold each route to its budget.
package fscount

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"cloud.google.com/go/firestore/apiv1/firestorepb"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// Ops is a number of billable operations.
type Ops struct{ Reads, Writes, Deletes int }

func (o Ops) String() string {
	return fmt.Sprintf("%d reads, %d writes, %d deletes", o.Reads, o.Writes, o.Deletes)
}

// Sub is o − p.
func (o Ops) Sub(p Ops) Ops {
	return Ops{o.Reads - p.Reads, o.Writes - p.Writes, o.Deletes - p.Deletes}
}

// Counter counts the operations of the clients built with its option.
type Counter struct {
	mu  sync.Mutex
	ops Ops
}

// Now returns the operations counted so far.
func (c *Counter) Now() Ops {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ops
}

func (c *Counter) add(o Ops) {
	c.mu.Lock()
	c.ops.Reads += o.Reads
	c.ops.Writes += o.Writes
	c.ops.Deletes += o.Deletes
	c.mu.Unlock()
}

// Emulator returns a client option that connects to the Firestore emulator at
// addr (host:port, as FIRESTORE_EMULATOR_HOST) through a counting connection,
// and the counter. Pass the option to firestore.NewClient.
func Emulator(addr string) (option.ClientOption, *Counter, error) {
	c := &Counter{}
	conn, err := grpc.NewClient(addr,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithPerRPCCredentials(ownerCreds{}),
		grpc.WithChainUnaryInterceptor(c.unary),
		grpc.WithChainStreamInterceptor(c.stream))
	if err != nil {
		return nil, nil, fmt.Errorf("fscount: %w", err)
	}
	return option.WithGRPCConn(conn), c, nil
}

// ownerCreds are the emulator's admin credentials (what the client sends to it).
type ownerCreds struct{}

func (ownerCreds) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer owner"}, nil
}
func (ownerCreds) RequireTransportSecurity() bool { return false }

func (c *Counter) unary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	err := invoker(ctx, method, req, reply, cc, opts...)
	if err != nil {
		return err
	}
	switch r := req.(type) {
	case *firestorepb.CommitRequest:
		c.add(writes(r.Writes))
	case *firestorepb.BatchWriteRequest:
		c.add(writes(r.Writes))
	case *firestorepb.GetDocumentRequest:
		c.add(Ops{Reads: 1})
	}
	return nil
}

func writes(ws []*firestorepb.Write) Ops {
	var o Ops
	for _, w := range ws {
		if w.GetDelete() != "" {
			o.Deletes++
		} else {
			o.Writes++
		}
	}
	return o
}

func (c *Counter) stream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	s, err := streamer(ctx, desc, cc, method, opts...)
	if err != nil {
		return nil, err
	}
	switch {
	case strings.HasSuffix(method, "/BatchGetDocuments"), strings.HasSuffix(method, "/RunQuery"):
		return &countedStream{ClientStream: s, c: c, query: strings.HasSuffix(method, "/RunQuery")}, nil
	}
	return s, nil
}

// countedStream counts the documents a read stream returns.
type countedStream struct {
	grpc.ClientStream
	c     *Counter
	query bool
	docs  int
	done  bool
}

func (s *countedStream) RecvMsg(m any) error {
	err := s.ClientStream.RecvMsg(m)
	if err != nil {
		if !s.done {
			s.done = true
			if s.query && s.docs == 0 {
				s.c.add(Ops{Reads: 1}) // a query that returns nothing is one read
			}
		}
		return err
	}
	switch r := m.(type) {
	case *firestorepb.BatchGetDocumentsResponse:
		if r.GetFound() != nil || r.GetMissing() != "" {
			s.docs++
			s.c.add(Ops{Reads: 1})
		}
	case *firestorepb.RunQueryResponse:
		if r.GetDocument() != nil {
			s.docs++
			s.c.add(Ops{Reads: 1})
		}
	}
	return nil
}
