// Translations: Korean (default), English, Japanese. The UI follows the OS
// language (navigator.language, which WebKitGTK takes from LANG) unless the
// user picked one in Settings.

export type Lang = "ko" | "en" | "ja";
export const languages: { id: Lang; label: string }[] = [
  { id: "ko", label: "한국어" },
  { id: "en", label: "English" },
  { id: "ja", label: "日本語" },
];

const ko = {
  "app.title": "이미지 변환기",
  "nav.convert": "변환",
  "nav.plan": "요금제",
  "nav.schedules": "예약 변환",
  "nav.scan": "컴퓨터 검사",
  "nav.settings": "설정",
  "nav.account": "계정",
  "drop.title": "사진이나 폴더를 여기에 놓으세요",
  "drop.hint": "사진은 이 컴퓨터에서만 변환되며 업로드되지 않습니다.",
  "drop.files": "파일 선택",
  "drop.folder": "폴더 선택",
  "drop.or": "또는",
  "format.label": "형식",
  "preset.label": "품질",
  "preset.smallest": "가장 작게",
  "preset.balanced": "균형",
  "preset.best": "최고 품질",
  "preset.smallest.hint": "용량을 최대한 줄입니다",
  "preset.balanced.hint": "대부분의 사진에 알맞습니다",
  "preset.best.hint": "원본에 가장 가깝습니다",
  "plan.badge": "{plan} 요금제",
  "plan.remaining": "오늘 남은 변환 {n}회",
  "plan.unlimited": "오늘 변환 무제한",
  "queue.converting": "변환 중…",
  "queue.preparing": "변환할 사진을 찾는 중…",
  "queue.progress": "{total}개 중 {done}개",
  "queue.eta": "약 {time} 남음",
  "queue.etaUnknown": "남은 시간 계산 중",
  "queue.cancel": "취소",
  "queue.canceling": "취소하는 중…",
  "status.converted": "완료",
  "status.skipped": "건너뜀",
  "status.failed": "실패",
  "status.cancelled": "취소됨",
  "status.waiting": "대기",
  "status.converting": "변환 중",
  "summary.title": "변환이 끝났습니다",
  "summary.canceled": "변환을 취소했습니다",
  "summary.saved": "{size} 절약 ({pct}%)",
  "summary.counts": "변환 {c} · 건너뜀 {s} · 실패 {f}",
  "summary.open": "출력 폴더 열기",
  "summary.again": "다른 사진 변환",
  "summary.problems": "건너뛰거나 실패한 파일",
  "summary.queued": "{n}개 파일이 아직 대기 중입니다.",
  "summary.continue": "계속 변환",
  "summary.nothing": "변환할 사진을 찾지 못했습니다.",
  "reason.already_converted": "이미 변환되어 있습니다",
  "reason.exists": "같은 이름의 파일이 이미 있습니다",
  "reason.larger": "변환하면 더 커져서 원본을 그대로 두었습니다",
  "reason.same_format": "이미 같은 형식입니다",
  "reason.animated": "움직이는 이미지는 아직 지원하지 않습니다",
  "reason.too_large": "이미지가 너무 커서 변환할 수 없습니다",
  "reason.unsupported": "지원하지 않는 파일 형식입니다",
  "reason.corrupt": "파일이 손상되었거나 비어 있습니다",
  "reason.not_found": "파일을 찾을 수 없습니다",
  "reason.folder_not_allowed": "현재 요금제에서는 폴더를 변환할 수 없습니다 (베이직 이상)",
  "reason.cancelled": "취소되었습니다",
  "reason.io": "파일을 읽거나 쓸 수 없습니다",
  "reason.encode": "변환 중 문제가 생겼습니다",
  "refuse.format_not_in_plan": "{format} 형식은 현재 요금제에 포함되어 있지 않습니다.",
  "refuse.folders_not_in_plan": "현재 요금제는 폴더가 아닌 사진 파일만 변환합니다. 사진을 직접 놓아 주세요.",
  "refuse.files_per_run": "현재 요금제는 한 번에 {batch}개씩 변환합니다. 나머지 {n}개는 대기 중이며 '계속 변환'을 누르면 이어서 변환합니다.",
  "refuse.daily_limit_reached": "오늘 변환 횟수를 모두 사용했습니다. {n}개는 내일 변환할 수 있습니다.",
  "refuse.upgrade": "{plan} 요금제에서 가능합니다.",
  "err.wrong_credentials": "이메일 또는 비밀번호가 맞지 않습니다.",
  "err.email_exists": "이미 가입된 이메일입니다. 로그인해 주세요.",
  "err.email_not_found": "이 이메일로 가입된 계정이 없습니다.",
  "err.invalid_email": "올바른 이메일 주소를 입력해 주세요.",
  "err.weak_password": "비밀번호는 6자 이상이어야 합니다.",
  "err.too_many_attempts": "시도가 너무 많았습니다. 잠시 후 다시 시도해 주세요.",
  "err.user_disabled": "이 계정은 사용할 수 없습니다. 고객 지원에 문의해 주세요.",
  "err.session_expired": "로그인이 만료되었습니다. 다시 로그인해 주세요.",
  "err.network": "인터넷에 연결할 수 없습니다. 연결을 확인해 주세요.",
  "err.offline": "서버에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.",
  "err.device_limit": "요금제에서 허용하는 기기 수를 모두 사용하고 있습니다. 요금제 화면에서 기기를 삭제하거나 업그레이드해 주세요.",
  "err.quota_exceeded": "오늘 변환 횟수를 모두 사용했습니다.",
  "err.not_signed_in": "먼저 로그인해 주세요.",
  "notice.storage_file": "이 컴퓨터에 시스템 키체인이 없어 로그인 정보를 내 사용자 계정만 읽을 수 있는 파일에 보관합니다.",
  "notice.expired": "오랫동안 인터넷에 연결되지 않아 무료 요금제로 전환되었습니다. 연결되면 요금제가 다시 확인됩니다.",
  "notice.clock_set_back": "컴퓨터 시계가 과거로 바뀌었습니다. 요금제를 다시 확인하려면 인터넷에 연결해 주세요.",
  "notice.device_limit": "요금제에서 허용하는 기기 수를 모두 사용하고 있습니다. 요금제 화면에서 기기를 삭제하거나 업그레이드해 주세요.",
  "notice.session_expired": "로그인이 만료되었습니다. 다시 로그인해 주세요.",
  "notice.no_entitlement": "요금제를 아직 확인하지 못했습니다. 인터넷에 연결되면 자동으로 확인합니다.",
  "settings.title": "설정",
  "settings.output": "저장 위치",
  "settings.output.beside": "원본과 같은 폴더",
  "settings.output.folder": "선택한 폴더 (폴더 구조 유지)",
  "settings.output.choose": "폴더 선택…",
  "settings.existing": "같은 이름의 파일이 있을 때",
  "settings.existing.skip": "건너뛰기",
  "settings.existing.overwrite": "덮어쓰기",
  "settings.existing.rename": "새 이름으로 저장",
  "settings.metadata": "촬영 정보(EXIF, 위치 등) 유지",
  "settings.metadata.hint": "끄면 위치 정보 등 개인 정보가 지워집니다.",
  "settings.resize": "크기 줄이기",
  "settings.resize.max": "최대 {w} × {h} 픽셀 (확대하지 않음)",
  "settings.maxWidth": "최대 너비",
  "settings.maxHeight": "최대 높이",
  "settings.keepDates": "원본의 수정 날짜 유지",
  "settings.language": "언어",
  "settings.language.auto": "시스템 언어 따르기",
  "settings.save": "저장",
  "settings.saved": "저장했습니다",
  "settings.engine": "변환 엔진",
  "plans.title": "요금제와 결제",
  "plans.perMonth": "월 {price}원",
  "plans.free": "무료",
  "plans.daily": "하루 {n}회 변환",
  "plans.dailyUnlimited": "하루 변환 무제한",
  "plans.formats": "형식: {list}",
  "plans.perRun": "한 번에 {n}개 파일",
  "plans.devices": "기기 {n}대",
  "plans.feature.folders": "폴더 변환",
  "plans.feature.schedules": "예약 변환",
  "plans.feature.scan": "컴퓨터 검사",
  "plans.current": "현재 요금제",
  "plans.refresh": "요금제 새로 고침",
  "plans.upgrade": "업그레이드",
  "plans.upgradeHint": "결제 페이지가 브라우저에서 열립니다.",
  "plans.autoRenewOn": "매월 자동 갱신이 켜져 있습니다. 다음 결제일: {date}",
  "plans.autoRenewOff": "자동 갱신이 꺼져 있습니다. {date}까지 이용할 수 있습니다.",
  "plans.cancelRenew": "자동 갱신 해지",
  "plans.resumeRenew": "자동 갱신 다시 켜기",
  "plans.devicesTitle": "등록된 기기",
  "plans.thisDevice": "이 기기",
  "plans.removeDevice": "삭제",
  "plans.signInFirst": "요금제를 바꾸려면 먼저 로그인하세요.",
  "locked.title": "{plan} 요금제에서 사용할 수 있습니다",
  "locked.schedules": "지정한 폴더에 새 사진이 들어오거나 매일 정해진 시간에 자동으로 변환합니다.",
  "locked.scan": "컴퓨터 전체에서 변환할 수 있는 사진을 찾아 폴더별로 절약 예상 용량을 보여 줍니다.",
  "locked.see": "요금제 보기",
  "locked.soon": "이 기능은 곧 제공됩니다.",
  "auth.signIn": "로그인",
  "auth.signUp": "회원가입",
  "auth.reset": "비밀번호 재설정",
  "auth.email": "이메일",
  "auth.password": "비밀번호",
  "auth.forgot": "비밀번호를 잊으셨나요?",
  "auth.noAccount": "계정이 없으신가요?",
  "auth.haveAccount": "이미 계정이 있으신가요?",
  "auth.sendReset": "재설정 메일 보내기",
  "auth.resetSent": "{email}(으)로 재설정 메일을 보냈습니다.",
  "auth.back": "돌아가기",
  "auth.signOut": "로그아웃",
  "auth.signedInAs": "{email}(으)로 로그인됨",
  "auth.guest": "로그인하지 않음 (무료 요금제)",
  "auth.unavailable": "계정 서비스에 아직 연결할 수 없습니다. 무료 요금제로 계속 사용할 수 있습니다.",
  "offline.banner": "오프라인 상태입니다. {days}일 동안 현재 요금제로 계속 사용할 수 있습니다.",
  "error.generic": "문제가 생겼습니다. 잠시 후 다시 시도해 주세요.",
  "warn.wasm": "빠른 변환 엔진을 찾지 못해 느린 방식으로 변환합니다.",
  "common.close": "닫기",
} as const;

export type Key = keyof typeof ko;
type Dict = Record<Key, string>;

const en: Dict = {
  "app.title": "ImageConverter",
  "nav.convert": "Convert",
  "nav.plan": "Plan",
  "nav.schedules": "Schedules",
  "nav.scan": "Computer scan",
  "nav.settings": "Settings",
  "nav.account": "Account",
  "drop.title": "Drop photos or folders here",
  "drop.hint": "Photos are converted on this computer only. Nothing is uploaded.",
  "drop.files": "Choose files",
  "drop.folder": "Choose a folder",
  "drop.or": "or",
  "format.label": "Format",
  "preset.label": "Quality",
  "preset.smallest": "Smallest",
  "preset.balanced": "Balanced",
  "preset.best": "Best quality",
  "preset.smallest.hint": "Saves the most space",
  "preset.balanced.hint": "Right for most photos",
  "preset.best.hint": "Closest to the original",
  "plan.badge": "{plan} plan",
  "plan.remaining": "{n} conversions left today",
  "plan.unlimited": "Unlimited conversions today",
  "queue.converting": "Converting…",
  "queue.preparing": "Looking for photos…",
  "queue.progress": "{done} of {total}",
  "queue.eta": "About {time} left",
  "queue.etaUnknown": "Estimating time left",
  "queue.cancel": "Cancel",
  "queue.canceling": "Cancelling…",
  "status.converted": "Done",
  "status.skipped": "Skipped",
  "status.failed": "Failed",
  "status.cancelled": "Cancelled",
  "status.waiting": "Waiting",
  "status.converting": "Converting",
  "summary.title": "All done",
  "summary.canceled": "Conversion cancelled",
  "summary.saved": "Saved {size} ({pct}%)",
  "summary.counts": "{c} converted · {s} skipped · {f} failed",
  "summary.open": "Open output folder",
  "summary.again": "Convert more photos",
  "summary.problems": "Skipped or failed files",
  "summary.queued": "{n} files are still waiting.",
  "summary.continue": "Continue",
  "summary.nothing": "No photos to convert were found.",
  "reason.already_converted": "Already converted",
  "reason.exists": "A file with that name already exists",
  "reason.larger": "The converted file would be larger, so the original was kept",
  "reason.same_format": "Already in this format",
  "reason.animated": "Animated images are not supported yet",
  "reason.too_large": "The image is too large to convert",
  "reason.unsupported": "This file type is not supported",
  "reason.corrupt": "The file is damaged or empty",
  "reason.not_found": "The file could not be found",
  "reason.folder_not_allowed": "Your plan converts single files only (folders need Basic or higher)",
  "reason.cancelled": "Cancelled",
  "reason.io": "The file could not be read or written",
  "reason.encode": "Something went wrong while converting",
  "refuse.format_not_in_plan": "Your plan does not include {format} output.",
  "refuse.folders_not_in_plan": "Your plan converts individual photos, not whole folders. Drop the photos themselves.",
  "refuse.files_per_run": "Your plan converts {batch} at a time. The other {n} are waiting; click Continue to convert them.",
  "refuse.daily_limit_reached": "You have used today's conversions. {n} will wait until tomorrow.",
  "refuse.upgrade": "The {plan} plan allows it.",
  "err.wrong_credentials": "The email or password is not right.",
  "err.email_exists": "This email already has an account. Please sign in.",
  "err.email_not_found": "There is no account with this email.",
  "err.invalid_email": "Please enter a valid email address.",
  "err.weak_password": "The password must have at least 6 characters.",
  "err.too_many_attempts": "Too many attempts. Please try again in a moment.",
  "err.user_disabled": "This account has been disabled. Please contact support.",
  "err.session_expired": "Your sign-in has expired. Please sign in again.",
  "err.network": "No internet connection. Please check your connection.",
  "err.offline": "The server could not be reached. Please try again in a moment.",
  "err.device_limit": "Your plan is in use on all the computers it allows. Remove one on the Plan screen, or upgrade.",
  "err.quota_exceeded": "You have used today's conversions.",
  "err.not_signed_in": "Please sign in first.",
  "notice.storage_file": "No system keychain is available, so your sign-in is kept in a file only your user account can read.",
  "notice.expired": "You have been offline too long, so the app is on the Free plan until it can check your plan again.",
  "notice.clock_set_back": "The computer's clock was set back. Connect to the internet so the app can check your plan.",
  "notice.device_limit": "Your plan is in use on all the computers it allows. Remove one on the Plan screen, or upgrade.",
  "notice.session_expired": "Your sign-in has expired. Please sign in again.",
  "notice.no_entitlement": "Your plan has not been checked yet. It will be as soon as you are online.",
  "settings.title": "Settings",
  "settings.output": "Save converted files",
  "settings.output.beside": "Next to the originals",
  "settings.output.folder": "In a folder I choose (keeps the folder structure)",
  "settings.output.choose": "Choose folder…",
  "settings.existing": "When a file with the same name exists",
  "settings.existing.skip": "Skip it",
  "settings.existing.overwrite": "Replace it",
  "settings.existing.rename": "Save under a new name",
  "settings.metadata": "Keep photo details (EXIF, location…)",
  "settings.metadata.hint": "When off, private details such as location are removed.",
  "settings.resize": "Make smaller",
  "settings.resize.max": "At most {w} × {h} pixels (never enlarged)",
  "settings.maxWidth": "Max width",
  "settings.maxHeight": "Max height",
  "settings.keepDates": "Keep the original's modified date",
  "settings.language": "Language",
  "settings.language.auto": "Same as the system",
  "settings.save": "Save",
  "settings.saved": "Saved",
  "settings.engine": "Conversion engine",
  "plans.title": "Plan & billing",
  "plans.perMonth": "₩{price} / month",
  "plans.free": "Free",
  "plans.daily": "{n} conversions a day",
  "plans.dailyUnlimited": "Unlimited conversions",
  "plans.formats": "Formats: {list}",
  "plans.perRun": "{n} files at a time",
  "plans.devices": "{n} devices",
  "plans.feature.folders": "Whole folders",
  "plans.feature.schedules": "Scheduled conversion",
  "plans.feature.scan": "Computer scan",
  "plans.current": "Current plan",
  "plans.refresh": "Refresh plan",
  "plans.upgrade": "Upgrade",
  "plans.upgradeHint": "The checkout page opens in your browser.",
  "plans.autoRenewOn": "Renews automatically every month. Next payment: {date}",
  "plans.autoRenewOff": "Auto-renew is off. You can use your plan until {date}.",
  "plans.cancelRenew": "Cancel auto-renew",
  "plans.resumeRenew": "Turn auto-renew back on",
  "plans.devicesTitle": "Your devices",
  "plans.thisDevice": "This device",
  "plans.removeDevice": "Remove",
  "plans.signInFirst": "Sign in to change your plan.",
  "locked.title": "Available on the {plan} plan",
  "locked.schedules": "Converts new photos in the folders you pick, as they arrive or every day at a set time.",
  "locked.scan": "Finds photos across your computer and shows, folder by folder, how much space you can save.",
  "locked.see": "See plans",
  "locked.soon": "This feature is coming soon.",
  "auth.signIn": "Sign in",
  "auth.signUp": "Create account",
  "auth.reset": "Reset password",
  "auth.email": "Email",
  "auth.password": "Password",
  "auth.forgot": "Forgot your password?",
  "auth.noAccount": "No account yet?",
  "auth.haveAccount": "Already have an account?",
  "auth.sendReset": "Send reset email",
  "auth.resetSent": "We sent a reset link to {email}.",
  "auth.back": "Back",
  "auth.signOut": "Sign out",
  "auth.signedInAs": "Signed in as {email}",
  "auth.guest": "Not signed in (Free plan)",
  "auth.unavailable": "Accounts are not available yet. You can keep using the Free plan.",
  "offline.banner": "You are offline. Your plan keeps working for {days} more days.",
  "error.generic": "Something went wrong. Please try again in a moment.",
  "warn.wasm": "The fast converter was not found, so conversion will be slower.",
  "common.close": "Close",
};

const ja: Dict = {
  "app.title": "画像コンバーター",
  "nav.convert": "変換",
  "nav.plan": "プラン",
  "nav.schedules": "スケジュール",
  "nav.scan": "PCスキャン",
  "nav.settings": "設定",
  "nav.account": "アカウント",
  "drop.title": "写真やフォルダーをここにドロップ",
  "drop.hint": "写真はこのコンピューター上だけで変換され、アップロードされません。",
  "drop.files": "ファイルを選択",
  "drop.folder": "フォルダーを選択",
  "drop.or": "または",
  "format.label": "形式",
  "preset.label": "画質",
  "preset.smallest": "最小サイズ",
  "preset.balanced": "バランス",
  "preset.best": "最高画質",
  "preset.smallest.hint": "容量をできるだけ減らします",
  "preset.balanced.hint": "ほとんどの写真に最適です",
  "preset.best.hint": "元の画像に最も近い画質です",
  "plan.badge": "{plan}プラン",
  "plan.remaining": "今日の残り変換数 {n}",
  "plan.unlimited": "今日の変換は無制限",
  "queue.converting": "変換中…",
  "queue.preparing": "変換する写真を探しています…",
  "queue.progress": "{total}件中{done}件",
  "queue.eta": "残り約{time}",
  "queue.etaUnknown": "残り時間を計算中",
  "queue.cancel": "キャンセル",
  "queue.canceling": "キャンセルしています…",
  "status.converted": "完了",
  "status.skipped": "スキップ",
  "status.failed": "失敗",
  "status.cancelled": "キャンセル",
  "status.waiting": "待機中",
  "status.converting": "変換中",
  "summary.title": "変換が完了しました",
  "summary.canceled": "変換をキャンセルしました",
  "summary.saved": "{size}節約 ({pct}%)",
  "summary.counts": "変換 {c} · スキップ {s} · 失敗 {f}",
  "summary.open": "出力フォルダーを開く",
  "summary.again": "ほかの写真を変換",
  "summary.problems": "スキップまたは失敗したファイル",
  "summary.queued": "まだ{n}件のファイルが待機しています。",
  "summary.continue": "続けて変換",
  "summary.nothing": "変換できる写真が見つかりませんでした。",
  "reason.already_converted": "すでに変換されています",
  "reason.exists": "同じ名前のファイルがすでにあります",
  "reason.larger": "変換すると大きくなるため、元のファイルを残しました",
  "reason.same_format": "すでに同じ形式です",
  "reason.animated": "アニメーション画像にはまだ対応していません",
  "reason.too_large": "画像が大きすぎて変換できません",
  "reason.unsupported": "対応していないファイル形式です",
  "reason.corrupt": "ファイルが壊れているか空です",
  "reason.not_found": "ファイルが見つかりません",
  "reason.folder_not_allowed": "現在のプランではフォルダーを変換できません（ベーシック以上）",
  "reason.cancelled": "キャンセルされました",
  "reason.io": "ファイルを読み書きできません",
  "reason.encode": "変換中に問題が発生しました",
  "refuse.format_not_in_plan": "現在のプランには{format}形式が含まれていません。",
  "refuse.folders_not_in_plan": "現在のプランではフォルダーではなく写真ファイルのみ変換できます。写真を直接ドロップしてください。",
  "refuse.files_per_run": "現在のプランでは一度に{batch}件ずつ変換します。残りの{n}件は待機中です。「続けて変換」で続きを変換します。",
  "refuse.daily_limit_reached": "今日の変換回数を使い切りました。{n}件は明日変換できます。",
  "refuse.upgrade": "{plan}プランなら利用できます。",
  "err.wrong_credentials": "メールアドレスまたはパスワードが正しくありません。",
  "err.email_exists": "このメールアドレスはすでに登録されています。ログインしてください。",
  "err.email_not_found": "このメールアドレスのアカウントはありません。",
  "err.invalid_email": "正しいメールアドレスを入力してください。",
  "err.weak_password": "パスワードは6文字以上にしてください。",
  "err.too_many_attempts": "試行回数が多すぎます。しばらくしてからもう一度お試しください。",
  "err.user_disabled": "このアカウントは無効になっています。サポートにお問い合わせください。",
  "err.session_expired": "ログインの有効期限が切れました。もう一度ログインしてください。",
  "err.network": "インターネットに接続できません。接続を確認してください。",
  "err.offline": "サーバーに接続できません。しばらくしてからもう一度お試しください。",
  "err.device_limit": "プランで使えるデバイス数の上限に達しています。プラン画面でデバイスを削除するか、アップグレードしてください。",
  "err.quota_exceeded": "今日の変換回数を使い切りました。",
  "err.not_signed_in": "先にログインしてください。",
  "notice.storage_file": "システムのキーチェーンがないため、ログイン情報はこのユーザーだけが読めるファイルに保存されます。",
  "notice.expired": "長い間オフラインだったため、プランを確認できるまで無料プランになります。",
  "notice.clock_set_back": "コンピューターの時計が過去に戻されました。プランを確認するためインターネットに接続してください。",
  "notice.device_limit": "プランで使えるデバイス数の上限に達しています。プラン画面でデバイスを削除するか、アップグレードしてください。",
  "notice.session_expired": "ログインの有効期限が切れました。もう一度ログインしてください。",
  "notice.no_entitlement": "プランをまだ確認できていません。オンラインになるとすぐに確認します。",
  "settings.title": "設定",
  "settings.output": "保存先",
  "settings.output.beside": "元のファイルと同じフォルダー",
  "settings.output.folder": "選択したフォルダー（フォルダー構成を維持）",
  "settings.output.choose": "フォルダーを選択…",
  "settings.existing": "同じ名前のファイルがあるとき",
  "settings.existing.skip": "スキップ",
  "settings.existing.overwrite": "上書き",
  "settings.existing.rename": "別の名前で保存",
  "settings.metadata": "撮影情報（EXIF・位置情報など）を残す",
  "settings.metadata.hint": "オフにすると位置情報などの個人情報が削除されます。",
  "settings.resize": "サイズを小さくする",
  "settings.resize.max": "最大 {w} × {h} ピクセル（拡大しません）",
  "settings.maxWidth": "最大幅",
  "settings.maxHeight": "最大高さ",
  "settings.keepDates": "元のファイルの更新日時を保つ",
  "settings.language": "言語",
  "settings.language.auto": "システムの言語に合わせる",
  "settings.save": "保存",
  "settings.saved": "保存しました",
  "settings.engine": "変換エンジン",
  "plans.title": "プランとお支払い",
  "plans.perMonth": "月額 ₩{price}",
  "plans.free": "無料",
  "plans.daily": "1日{n}回まで変換",
  "plans.dailyUnlimited": "変換無制限",
  "plans.formats": "形式: {list}",
  "plans.perRun": "一度に{n}ファイル",
  "plans.devices": "{n}台のデバイス",
  "plans.feature.folders": "フォルダーごと変換",
  "plans.feature.schedules": "スケジュール変換",
  "plans.feature.scan": "コンピューターをスキャン",
  "plans.current": "現在のプラン",
  "plans.refresh": "プランを更新",
  "plans.upgrade": "アップグレード",
  "plans.upgradeHint": "お支払いページがブラウザーで開きます。",
  "plans.autoRenewOn": "毎月自動更新されます。次回のお支払い: {date}",
  "plans.autoRenewOff": "自動更新はオフです。{date}までご利用いただけます。",
  "plans.cancelRenew": "自動更新を解約",
  "plans.resumeRenew": "自動更新を再開",
  "plans.devicesTitle": "登録済みのデバイス",
  "plans.thisDevice": "このデバイス",
  "plans.removeDevice": "削除",
  "plans.signInFirst": "プランを変更するにはログインしてください。",
  "locked.title": "{plan}プランで利用できます",
  "locked.schedules": "選んだフォルダーに届いた写真や、毎日決まった時刻に写真を自動で変換します。",
  "locked.scan": "コンピューター全体から変換できる写真を探し、フォルダーごとに節約できる容量を表示します。",
  "locked.see": "プランを見る",
  "locked.soon": "この機能はまもなく提供されます。",
  "auth.signIn": "ログイン",
  "auth.signUp": "アカウント作成",
  "auth.reset": "パスワードの再設定",
  "auth.email": "メールアドレス",
  "auth.password": "パスワード",
  "auth.forgot": "パスワードをお忘れですか？",
  "auth.noAccount": "アカウントをお持ちでないですか？",
  "auth.haveAccount": "すでにアカウントをお持ちですか？",
  "auth.sendReset": "再設定メールを送信",
  "auth.resetSent": "{email} に再設定用のリンクを送信しました。",
  "auth.back": "戻る",
  "auth.signOut": "ログアウト",
  "auth.signedInAs": "{email} でログイン中",
  "auth.guest": "未ログイン（無料プラン）",
  "auth.unavailable": "アカウントサービスにまだ接続できません。無料プランのまま使い続けられます。",
  "offline.banner": "オフラインです。あと{days}日間は現在のプランで使えます。",
  "error.generic": "問題が発生しました。しばらくしてからもう一度お試しください。",
  "warn.wasm": "高速な変換エンジンが見つからないため、変換に時間がかかります。",
  "common.close": "閉じる",
};

const dicts: Record<Lang, Dict> = { ko, en, ja };

/** The OS language as Go read it from the environment; "" until known or when it does not say. */
let osLang: "" | Lang = "";

/** The OS language mapped to one we have; Korean when none matches. */
export function systemLang(): Lang {
  if (osLang) return osLang;
  const tags = [...(navigator.languages ?? []), navigator.language].filter(Boolean);
  for (const tag of tags) {
    const base = tag.toLowerCase().split(/[-_]/)[0];
    if (base === "ko" || base === "en" || base === "ja") return base;
  }
  return "ko";
}

class I18n {
  lang = $state<Lang>(systemLang());

  /** Record the OS language reported by the app (WebKitGTK's navigator.language is unreliable). */
  setSystem(lang: "" | Lang) {
    osLang = lang;
  }

  /** Apply the user's choice; "" follows the OS. */
  use(choice: "" | Lang) {
    this.lang = choice === "" ? systemLang() : choice;
    document.documentElement.lang = this.lang;
  }

  t = (key: Key, vars: Record<string, string | number> = {}): string => {
    const s: string = dicts[this.lang][key] ?? ko[key] ?? key;
    return s.replace(/\{(\w+)\}/g, (_, k: string) => (k in vars ? String(vars[k]) : `{${k}}`));
  };

  /** An error from the app as a sentence in the UI language when its code is known. */
  error = (e: unknown): string => {
    const code = (e as { code?: string })?.code ?? "";
    const key = `err.${code}` as Key;
    if (code && key in ko) return this.t(key);
    return e instanceof Error && e.message ? e.message : this.t("error.generic");
  };

  /** An account notice in the UI language, or the English sentence for codes we do not know. */
  notice = (code: string, fallback: string): string => {
    const key = `notice.${code}` as Key;
    return code && key in ko ? this.t(key) : fallback;
  };

  /** Translated reason for a converter code, falling back to the engine's English sentence. */
  reason = (code: string, fallback: string): string => {
    const key = `reason.${code}` as Key;
    return key in ko ? this.t(key) : fallback || this.t("error.generic");
  };

  size = (bytes: number): string => {
    const units = ["B", "KB", "MB", "GB"];
    let v = Math.max(0, bytes);
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${v.toLocaleString(this.lang, { maximumFractionDigits: i === 0 ? 0 : 1 })} ${units[i]}`;
  };

  duration = (seconds: number): string => {
    const s = Math.max(1, Math.round(seconds));
    const fmt = (value: number, unit: "second" | "minute" | "hour") =>
      new Intl.NumberFormat(this.lang, { style: "unit", unit, unitDisplay: "long" }).format(value);
    if (s < 60) return fmt(s, "second");
    if (s < 3600) return fmt(Math.round(s / 60), "minute");
    return fmt(Math.round(s / 360) / 10, "hour");
  };

  date = (iso: string): string => {
    const d = new Date(iso);
    return isNaN(d.getTime()) ? "" : d.toLocaleDateString(this.lang, { year: "numeric", month: "long", day: "numeric" });
  };

  /** A plan refusal as a sentence in the UI language, naming the plan that allows it. */
  refusal = (r: { code: string; message: string; upgradeTo: string; files: number }, batch: number, format: string): string => {
    const key = `refuse.${r.code}` as Key;
    if (!(key in ko)) return r.message;
    let s = this.t(key, { n: r.files, batch, format: format.toUpperCase() });
    if (r.upgradeTo) s += " " + this.t("refuse.upgrade", { plan: this.planName(r.upgradeTo) });
    return s;
  };

  planName = (id: string): string => {
    const names: Record<Lang, Record<string, string>> = {
      ko: { free: "무료", basic: "베이직", pro: "프로" },
      en: { free: "Free", basic: "Basic", pro: "Pro" },
      ja: { free: "無料", basic: "ベーシック", pro: "プロ" },
    };
    return names[this.lang][id] ?? id;
  };
}

export const i18n = new I18n();
export const t = i18n.t;
