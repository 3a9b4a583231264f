import { createStreamReception, createStreamReceptionCounts } from './stream-reception';
import { encodeStreamToken } from './stream-token';

const T0 = 1_764_769_000_000;
const STREAM = 's-AbCdEfGhIjKl';

function receive() {
  const counts = createStreamReceptionCounts();
  const latencies: number[] = [];
  const reception = createStreamReception({ counts, onLatency: (ms) => latencies.push(ms) });
  return { counts, latencies, reception };
}

describe('createStreamReception', () => {
  it('folds a stream from its frames and matches the final message, trimmed as stored', () => {
    const { counts, reception } = receive();
    const first = encodeStreamToken(T0);
    const second = encodeStreamToken(T0 + 25) + encodeStreamToken(T0 + 50);

    reception.onDelta({ streamId: STREAM, offset: 0, text: '' }, T0);
    reception.onDelta({ streamId: STREAM, offset: 0, text: first }, T0 + 10);
    reception.onDelta({ streamId: STREAM, offset: 4, text: second }, T0 + 60);
    reception.onEnd(STREAM, true);
    reception.onFinal(STREAM, (first + second).trim());

    expect(counts).toMatchObject({ applied: 3, outOfOrder: 0, finalsMatched: 1, finalsMismatched: 0 });
    expect(reception.held).toBe(0);
  });

  it('times every token once, when the frame that completes it arrives', () => {
    const { latencies, reception } = receive();

    reception.onDelta({ streamId: STREAM, offset: 0, text: encodeStreamToken(T0) }, T0 + 30);
    reception.onDelta({ streamId: STREAM, offset: 4, text: encodeStreamToken(T0 + 25) }, T0 + 70);
    // The whole text again at offset 0, as a resumed subscriber gets it: nothing is timed twice.
    reception.onDelta(
      { streamId: STREAM, offset: 0, text: encodeStreamToken(T0) + encodeStreamToken(T0 + 25) },
      T0 + 90,
    );

    expect(latencies).toEqual([30, 45]);
  });

  it('counts a frame that does not continue the text as out of order, and a differing final as a mismatch', () => {
    const { counts, reception } = receive();

    reception.onDelta({ streamId: STREAM, offset: 0, text: 'abc ' }, T0);
    reception.onDelta({ streamId: STREAM, offset: 8, text: 'ghi ' }, T0);
    reception.onDelta({ streamId: 's-unknown', offset: 4, text: 'def ' }, T0);
    reception.onFinal(STREAM, 'abc def ghi');

    expect(counts).toMatchObject({ applied: 1, outOfOrder: 2, finalsMismatched: 1, unreadableTokens: 0 });
  });

  it('counts a final message of a stream it never saw, and ends without one', () => {
    const { counts, reception } = receive();

    reception.onFinal('s-never-seen', 'text');
    reception.onDelta({ streamId: STREAM, offset: 0, text: 'x!' }, T0);
    reception.onEnd(STREAM, false);

    expect(counts).toMatchObject({ finalsWithoutText: 1, endsWithoutMessage: 1 });
    expect(reception.held).toBe(0);
  });

  it('counts text that is not a token as unreadable', () => {
    const { counts, latencies, reception } = receive();

    reception.onDelta({ streamId: STREAM, offset: 0, text: 'hello world!' }, T0);

    expect({ unreadable: counts.unreadableTokens, timed: latencies.length }).toEqual({ unreadable: 3, timed: 0 });
  });
});
