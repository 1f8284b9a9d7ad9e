// The cpixkit test and demo page. Everything it plays comes from the URL fragment, which never reaches a server:
//   #player=shaka&src=<manifest.mpd>&token=<tenant token>  CENC DASH, ClearKey licence from the manifest's dashif:Laurl
//   #player=hls&src=<playlist.m3u8>                         HLS AES-128, key from the playlist's signed key URL
// and &pause (the test) to stop once playback is proven.
// window.playback is what the test reads: { state: 'loading' | 'playing' | 'error', time?, code? }.

const params = new URLSearchParams(location.hash.slice(1));
const video = document.querySelector('video');
const status = document.querySelector('#status');
/** Playback is proven once the video has played this far. */
const PLAYED_SECONDS = 2.2;

window.playback = { state: 'loading' };

function report(next) {
  if (window.playback.state === 'error') return;
  window.playback = next;
  status.textContent =
    next.state === 'error'
      ? `error ${next.code}`
      : next.state === 'playing'
        ? `playing, ${next.time.toFixed(2)} s`
        : next.state;
}

video.addEventListener('timeupdate', () => {
  if (video.currentTime < PLAYED_SECONDS || window.playback.state !== 'loading') return;
  if (params.has('pause')) video.pause();
  report({ state: 'playing', time: video.currentTime });
});

async function playDash(src, token) {
  shaka.polyfill.installAll();
  const player = new shaka.Player();
  await player.attach(video);
  player.addEventListener('error', (event) => report(shakaError(event.detail)));
  player.getNetworkingEngine().registerRequestFilter((type, request) => {
    if (type === shaka.net.NetworkingEngine.RequestType.LICENSE && token)
      request.headers.Authorization = `Bearer ${token}`;
  });
  try {
    await player.load(src);
  } catch (error) {
    report(shakaError(error));
  }
}

/** A shaka error as the page reports it: its code and, for a failed request, the network error below it (`1001` with an HTTP status, `1002` when the browser got no answer). */
function shakaError(error) {
  const cause = error.data?.[0];
  if (cause?.code === undefined) return { state: 'error', code: String(error.code) };
  return { state: 'error', code: `${error.code}/${cause.code}${cause.code === 1001 ? `/${cause.data[1]}` : ''}` };
}

function playHls(src) {
  const hls = new Hls({ enableWorker: false });
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (data.fatal) report({ state: 'error', code: data.details });
  });
  hls.loadSource(src);
  hls.attachMedia(video);
}

const src = params.get('src');
if (params.get('player') === 'shaka') void playDash(src, params.get('token'));
else playHls(src);

/** Seeks the paused video to `seconds` and resolves, with the time reached, once that frame is shown. */
window.seekTo = (seconds) =>
  new Promise((resolve) => {
    video.addEventListener(
      'seeked',
      () => requestAnimationFrame(() => requestAnimationFrame(() => resolve(video.currentTime))),
      { once: true },
    );
    video.currentTime = seconds;
  });
