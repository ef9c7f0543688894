/** `member-mail` → `MemberMail`, `members/create-signup` → `MembersCreateSignup`: construct ids from logical names. */
export function pascal(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}
